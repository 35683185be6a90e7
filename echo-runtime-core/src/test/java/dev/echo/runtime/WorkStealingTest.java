package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Work stealing moves tasks from a loaded processor to an idle one. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkStealingTest {

    /**
     * One task spawns 200 CPU-bound tasks: they all land in its processor's local queue (fewer
     * than the queue's capacity, so nothing spills to the global queue). The other processor
     * can only get them by stealing.
     */
    @Test
    void aSkewedLoadIsStolenByTheIdleProcessor() {
        try (EchoRuntime runtime = Tests.runtime(2, "steal")) {
            Map<String, AtomicInteger> perCarrier = new ConcurrentHashMap<>();
            int n = 200;
            int sum = runtime.block(() -> {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    tasks.add(Echo.spawn(() -> {
                        Tests.busyWait(Duration.ofMillis(2));
                        perCarrier.computeIfAbsent(Tests.carrierName(), k -> new AtomicInteger()).incrementAndGet();
                        return 1;
                    }));
                }
                int s = 0;
                for (Task<Integer> t : tasks) {
                    s += t.join();
                }
                return s;
            });
            assertThat(sum).isEqualTo(n);

            RuntimeStats stats = runtime.stats();
            List<ProcessorStats> ps = stats.processors();
            assertThat(ps).hasSize(2);
            ProcessorStats thief = ps.stream().filter(p -> p.stealsIn() > 0).findFirst().orElse(null);
            assertThat(thief).as("a processor stole: %s", ps).isNotNull();
            assertThat(ps).as("the other processor was stolen from: %s", ps)
                    .anyMatch(p -> p.id() != thief.id() && p.stealsOut() > 0);
            assertThat(ps).as("both processors ran tasks: %s", ps).allMatch(p -> p.tasksRun() > 0);
            long stolenIn = ps.stream().mapToLong(ProcessorStats::stealsIn).sum();
            long stolenOut = ps.stream().mapToLong(ProcessorStats::stealsOut).sum();
            if (stats.handOffs() == 0) { // a retired processor's later counts are not in the snapshot
                assertThat(stolenIn).as("steals in and out agree").isEqualTo(stolenOut);
            }
            assertThat(perCarrier).as("tasks ran on two carriers: %s", perCarrier).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /** Stealing shares the work: two processors finish CPU-bound work clearly faster than one. */
    @Test
    void stealingSpreadsCpuBoundWorkOverBothProcessors() {
        try (EchoRuntime runtime = Tests.runtime(2, "stealshare")) {
            Map<String, AtomicInteger> perCarrier = new ConcurrentHashMap<>();
            runtime.block(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    tasks.add(Echo.spawn(() -> {
                        Tests.busyWait(Duration.ofMillis(3));
                        perCarrier.computeIfAbsent(Tests.carrierName(), k -> new AtomicInteger()).incrementAndGet();
                    }));
                }
                for (Task<Void> t : tasks) {
                    t.join();
                }
                return null;
            });
            // Per processor, not per carrier: a hand-off (e.g. when the OS descheduled a carrier)
            // moves a processor to another carrier.
            List<ProcessorStats> ps = runtime.stats().processors();
            assertThat(perCarrier).hasSizeGreaterThanOrEqualTo(2);
            assertThat(ps).as("each processor's share of 100 tasks: %s", ps).allMatch(p -> p.tasksRun() >= 10);
        }
    }
}
