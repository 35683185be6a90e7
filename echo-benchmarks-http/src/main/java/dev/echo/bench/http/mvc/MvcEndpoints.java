package dev.echo.bench.http.mvc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.echo.bench.http.Combined;
import dev.echo.bench.http.Greeting;
import dev.echo.bench.http.HttpContenders;
import dev.echo.bench.http.Part;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * What an MVC user on virtual threads writes: {@code Thread.sleep}, and three blocking
 * {@code RestClient} calls on Boot's {@code applicationTaskExecutor} (a virtual thread each under
 * the flag), joined in order.
 */
@RestController
public class MvcEndpoints {

    private final RestClient backend;
    private final AsyncTaskExecutor executor;

    public MvcEndpoints(RestClient backend, AsyncTaskExecutor applicationTaskExecutor) {
        this.backend = backend;
        this.executor = applicationTaskExecutor;
    }

    @GetMapping("/hello")
    public Greeting hello() {
        return Greeting.HELLO;
    }

    @GetMapping("/sleep")
    public Greeting sleep() throws InterruptedException {
        Thread.sleep(HttpContenders.WAIT);
        return Greeting.HELLO;
    }

    @GetMapping("/fanout")
    public Combined fanout() {
        List<CompletableFuture<Part>> calls = new ArrayList<>(3);
        for (int id = 1; id <= 3; id++) {
            int part = id;
            calls.add(this.executor.submitCompletable(
                    () -> this.backend.get().uri("/part/{id}", part).retrieve().body(Part.class)));
        }
        return new Combined(calls.stream().map(CompletableFuture::join).toList());
    }
}
