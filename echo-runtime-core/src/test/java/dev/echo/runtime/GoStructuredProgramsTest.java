package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Received;
import dev.echo.runtime.chan.Select;
import dev.echo.runtime.chan.Ticker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Go programs that use errgroup and time.After, ported line for line (the Go is in each comment). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GoStructuredProgramsTest {

    /*
     * errgroup's pipeline example (golang.org/x/sync/errgroup, ExampleGroup_pipeline):
     *   g, ctx := errgroup.WithContext(ctx)
     *   paths := make(chan string)
     *   g.Go(func() error { defer close(paths); for _, p := range files { select { case paths <- p: case <-ctx.Done(): return ctx.Err() } }; return nil })
     *   c := make(chan result)
     *   for i := 0; i < numDigesters; i++ { g.Go(func() error { for p := range paths { select { case c <- digest(p): case <-ctx.Done(): return ctx.Err() } }; return nil }) }
     *   go func() { g.Wait(); close(c) }()
     *   m := make(map[string]int); for r := range c { m[r.path] = r.sum }
     *   if err := g.Wait(); err != nil { return nil, err }
     */
    private static Map<String, Integer> digestAll(List<String> files, String failOn) throws Exception {
        Map<String, Integer> sums = new TreeMap<>();
        Channel<String> paths = Channel.unbuffered();
        Channel<Map.Entry<String, Integer>> results = Channel.unbuffered();
        try (var group = TaskScope.failFast()) {
            group.fork(() -> {
                try {
                    for (String p : files) {
                        paths.send(p);
                    }
                } finally {
                    paths.close();
                }
                return null;
            });
            List<Task<Object>> digesters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                digesters.add(group.fork(() -> {
                    for (String p : paths) {
                        if (p.equals(failOn)) {
                            throw new IOException("cannot read " + p);
                        }
                        results.send(Map.entry(p, p.hashCode()));
                    }
                    return null;
                }));
            }
            group.fork(() -> { // go func() { wait for the digesters; close(c) }()
                try {
                    for (Task<Object> d : digesters) {
                        d.future().toCompletableFuture().handle((v, e) -> null).join();
                    }
                } finally {
                    results.close();
                }
                return null;
            });
            for (Map.Entry<String, Integer> r : results) {
                sums.put(r.getKey(), r.getValue());
            }
            group.join();
        }
        return sums;
    }

    @Test
    void errgroupPipelineDigestsEveryFile() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "goerrgroup")) {
            List<String> files = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                files.add("file" + i);
            }
            Map<String, Integer> sums = runtime.block(() -> digestAll(files, null));
            assertThat(sums).hasSize(200).containsEntry("file7", "file7".hashCode());
        }
    }

    @Test
    void errgroupPipelineReturnsTheFirstErrorAndStopsEveryStage() {
        try (EchoRuntime runtime = Tests.runtime(2, "goerrgroupfail")) {
            List<String> files = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                files.add("file" + i);
            }
            long before = runtime.stats().tasksLive();
            assertThatThrownBy(() -> runtime.block(() -> digestAll(files, "file50")))
                    .isInstanceOf(CompletionException.class).hasRootCauseMessage("cannot read file50");
            assertThat(runtime.stats().tasksLive()).isEqualTo(before);
        }
    }

    /*
     * time.After in a select loop (the Go tour's "default selection" / a worker with an idle timeout):
     *   for { select { case job := <-jobs: done = append(done, job)
     *                  case <-time.After(50 * time.Millisecond): return done } }
     */
    @Test
    void timeAfterInASelectLoopEndsTheLoopWhenTheJobsStop() {
        try (EchoRuntime runtime = Tests.runtime(2, "goafter")) {
            runtime.block(() -> {
                Channel<Integer> jobs = Channel.unbuffered();
                Echo.spawn(() -> {
                    for (int i = 0; i < 10; i++) {
                        jobs.send(i);
                    }
                });
                List<Integer> done = new ArrayList<>();
                boolean idle = false;
                while (!idle) {
                    idle = Select.<Boolean>create()
                            .onReceive(jobs, job -> done.add(job) && false)
                            .onReceive(Ticker.after(Duration.ofMillis(50)), t -> true)
                            .run();
                }
                assertThat(done).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
                return null;
            });
        }
    }

    /*
     * A heartbeat with a ticker and a quit channel:
     *   ticker := time.NewTicker(10 * time.Millisecond); defer ticker.Stop()
     *   for { select { case <-ticker.C: beats++; case <-quit: return beats } }
     */
    @Test
    void tickerAndQuitChannelInASelectLoop() {
        try (EchoRuntime runtime = Tests.runtime(2, "goticker")) {
            runtime.block(() -> {
                Channel<Void> quit = Channel.unbuffered();
                Echo.spawn(() -> {
                    Echo.sleep(Duration.ofMillis(200));
                    quit.close();
                });
                int beats = 0;
                try (Ticker ticker = Ticker.start(Duration.ofMillis(10))) {
                    while (true) {
                        boolean stop = Select.<Boolean>create()
                                .onReceive(ticker.channel(), t -> false)
                                .onReceiveOrClosed(quit, r -> r instanceof Received.Closed<Void>)
                                .run();
                        if (stop) {
                            break;
                        }
                        beats++;
                    }
                }
                assertThat(beats).as("about 20 due; a loaded box may drop some").isBetween(3, 21);
                return null;
            });
        }
    }
}
