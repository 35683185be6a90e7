package dev.echo.sample.quotes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.FutureState;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskScope;
import dev.echo.runtime.sync.Semaphore;
import dev.echo.spring.task.EchoTask;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/quotes}: the price aggregator ({@link FanOut}); {@code POST /api/burst}: many
 * quote requests over HTTP, for the dashboard's button. Both bodies run as Echo tasks
 * ({@code @EchoTask}); the event loop only reads the request and writes the answer.
 */
@RestController
public class QuoteController {

    /** Most requests one burst may send. */
    static final int MAX_BURST = 1_000;

    /**
     * Quote requests of one burst in flight at once; the rest wait for a permit as parked tasks.
     * Each request opens a connection per backend, so an unbounded burst of 1,000 would put
     * 6,000 connections into the server's accept queue at once, and everything else arriving
     * (the dashboard's own polls) would wait behind them.
     */
    static final int BURST_IN_FLIGHT = 50;

    /** Longest deadline a request may ask for. */
    static final Duration MAX_DEADLINE = Duration.ofSeconds(10);

    private final FanOut fanOut;

    private final QuoteClient client;

    QuoteController(FanOut fanOut, QuoteClient client) {
        this.fanOut = fanOut;
        this.client = client;
    }

    /**
     * @param item what to price
     * @param deadlineMs the deadline in milliseconds, 1 to 10,000; default {@code sample.quotes.deadline}
     */
    @EchoTask("quotes")
    @GetMapping("/api/quotes")
    public EchoFuture<QuoteBoard> quotes(@RequestParam(defaultValue = "book") String item,
            @RequestParam(required = false) Long deadlineMs) throws Exception {
        Duration deadline = this.fanOut.defaultDeadline();
        if (deadlineMs != null) {
            if (deadlineMs < 1 || deadlineMs > MAX_DEADLINE.toMillis()) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "deadlineMs must be between 1 and " + MAX_DEADLINE.toMillis() + ", was " + deadlineMs);
            }
            deadline = Duration.ofMillis(deadlineMs);
        }
        return EchoFuture.resolved(this.fanOut.quote(item, deadline));
    }

    @GetMapping("/api/quotes/stats")
    FanOutStats.Snapshot stats() {
        return this.fanOut.stats();
    }

    /**
     * Sends {@code requests} quote requests, each from its own task, {@link #BURST_IN_FLIGHT} at
     * a time (a {@link Semaphore}), and waits for every answer.
     */
    @EchoTask("burst")
    @PostMapping("/api/burst")
    public EchoFuture<BurstResult> burst(@RequestParam(defaultValue = "100") int requests) {
        if (requests < 1 || requests > MAX_BURST) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "requests must be between 1 and " + MAX_BURST + ", was " + requests);
        }
        long start = System.nanoTime();
        List<Task<QuoteBoard>> sent = new ArrayList<>(requests);
        Semaphore inFlight = new Semaphore(BURST_IN_FLIGHT);
        try (var scope = TaskScope.collectAll()) {
            for (int i = 0; i < requests; i++) {
                String item = "item-" + i;
                sent.add(scope.fork("burst " + i, () -> {
                    inFlight.acquire();
                    try {
                        return this.client.board(item);
                    }
                    finally {
                        inFlight.release();
                    }
                }));
            }
            try {
                scope.join();
            }
            catch (CancellationException cancelled) {
                throw cancelled;
            }
            catch (RuntimeException someFailed) {
                // Counted below, request by request.
            }
        }
        int complete = 0;
        int partial = 0;
        int failed = 0;
        for (Task<QuoteBoard> task : sent) {
            if (task.future().state() != FutureState.RESOLVED) {
                failed++;
            }
            else if (task.future().resultNow().complete()) {
                complete++;
            }
            else {
                partial++;
            }
        }
        return EchoFuture.resolved(new BurstResult(requests, complete, partial, failed, Duration.ofNanos(System.nanoTime() - start).toMillis()));
    }
}
