package dev.echo.bench.http.echo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.echo.bench.http.Combined;
import dev.echo.bench.http.Greeting;
import dev.echo.bench.http.HttpContenders;
import dev.echo.bench.http.Part;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.RuntimeStats;
import dev.echo.runtime.Task;
import dev.echo.runtime.reactive.PublisherAwait;
import dev.echo.spring.task.EchoTask;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * What an Echo user writes: every handler is an {@code @EchoTask} whose body blocks (sleeps,
 * waits for backend answers) and returns a resolved future; the task, not a thread, waits.
 */
@RestController
public class EchoEndpoints {

    private final WebClient backend;
    private final EchoRuntime runtime;

    public EchoEndpoints(WebClient backend, EchoRuntime runtime) {
        this.backend = backend;
        this.runtime = runtime;
    }

    @EchoTask
    @GetMapping("/hello")
    public EchoFuture<Greeting> hello() {
        return EchoFuture.resolved(Greeting.HELLO);
    }

    @EchoTask
    @GetMapping("/sleep")
    public EchoFuture<Greeting> sleep() {
        Echo.sleep(HttpContenders.WAIT);
        return EchoFuture.resolved(Greeting.HELLO);
    }

    /** Three backend calls at once, each in a task of its own, joined in order. */
    @EchoTask
    @GetMapping("/fanout")
    public EchoFuture<Combined> fanout() {
        List<Task<Part>> calls = new ArrayList<>(3);
        for (int id = 1; id <= 3; id++) {
            int part = id;
            calls.add(Echo.spawn(() -> PublisherAwait.awaitSingle(
                    this.backend.get().uri("/part/{id}", part).retrieve().bodyToMono(Part.class))));
        }
        List<Part> parts = new ArrayList<>(3);
        for (Task<Part> call : calls) {
            parts.add(call.join());
        }
        return EchoFuture.resolved(new Combined(parts));
    }

    /** The soak's view of the runtime (not measured under load): the statistics' task counters and workers. */
    @GetMapping("/admin/echo")
    public Map<String, Long> stats() {
        RuntimeStats stats = this.runtime.stats();
        Map<String, Long> view = new LinkedHashMap<>();
        view.put("spawned", stats.tasksSpawned());
        view.put("completed", stats.tasksCompleted());
        view.put("failed", stats.tasksFailed());
        view.put("cancelled", stats.tasksCancelled());
        view.put("live", stats.tasksLive());
        view.put("workers", (long) stats.workers());
        view.put("timersPending", (long) stats.timersPending());
        return view;
    }
}
