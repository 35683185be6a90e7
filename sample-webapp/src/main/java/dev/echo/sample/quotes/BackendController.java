package dev.echo.sample.quotes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.FutureState;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The slow backends the aggregator asks: real HTTP endpoints of this application
 * ({@code sample.quotes.backends}), each answering after its latency or failing at its rate.
 * Each request is an Echo task that sleeps on Echo's timers; when the client goes away, WebFlux
 * cancels the returned future, the task ends cancelled, and the backend counts a disconnect.
 */
@RestController
class BackendController {

    private final EchoRuntime runtime;

    private final QuotesProperties properties;

    private final Map<String, BackendStats> stats = new LinkedHashMap<>();

    BackendController(EchoRuntime runtime, QuotesProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
        properties.backends().forEach((backend) -> this.stats.put(backend.name(), new BackendStats()));
    }

    @GetMapping("/backends/{name}/price")
    EchoFuture<Price> price(@PathVariable String name, @RequestParam String item) {
        QuotesProperties.Backend backend = this.properties.backend(name);
        if (backend == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no backend named '" + name + "'");
        }
        BackendStats counts = this.stats.get(name);
        counts.requests.increment();
        return this.runtime.spawn("backend " + name, () -> {
            Echo.currentTask().onExit((outcome) -> {
                if (outcome == FutureState.CANCELLED) {
                    counts.disconnected.increment();
                }
            });
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long jitterNanos = backend.jitter().toNanos();
            Echo.sleep(backend.latency().plusNanos(jitterNanos == 0 ? 0 : random.nextLong(jitterNanos + 1)));
            if (random.nextDouble() < backend.failureRate()) {
                counts.failed.increment();
                throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                        "backend '" + name + "' failed (failure-rate " + backend.failureRate() + ")");
            }
            counts.answered.increment();
            return new Price(name, item, priceOf(name, item));
        }).future();
    }

    @GetMapping("/backends")
    List<BackendStats.Snapshot> stats() {
        return this.stats.entrySet().stream().map((entry) -> entry.getValue().snapshot(entry.getKey())).toList();
    }

    /** Each backend's own, stable price for an item: between 10.00 and 99.99. */
    static double priceOf(String backend, String item) {
        int cents = Math.floorMod((backend + "/" + item).hashCode(), 9_000);
        return (1_000 + cents) / 100.0;
    }
}
