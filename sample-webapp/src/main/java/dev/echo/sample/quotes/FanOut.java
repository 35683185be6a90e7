package dev.echo.sample.quotes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.echo.runtime.DeadlineExceededException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.FutureState;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskScope;

import org.springframework.stereotype.Component;

/**
 * Fan-out with a deadline: ask every backend at once, each from an Echo task of its own, take
 * what arrived by the deadline, mark the rest missing, and cancel the stragglers.
 *
 * <ol>
 *   <li>A {@link TaskScope} holds one child task per backend; each child calls its backend with
 *       a blocking HTTP client, so it parks while it waits.</li>
 *   <li>{@code join()} runs under {@link Echo#withTimeout}: it returns when every child has
 *       answered, or throws {@link DeadlineExceededException} at the deadline.</li>
 *   <li>The quotes are read at that moment: a child done by then has arrived, the others are
 *       missing.</li>
 *   <li>Closing the scope cancels the children still running and waits for them: no straggler
 *       outlives the request. A cancelled child's HTTP exchange is aborted, its connection
 *       closed, and the backend's own task ends cancelled when it sees the client go away.</li>
 * </ol>
 *
 * Must run in an Echo task (a scope belongs to the task that opens it).
 */
@Component
class FanOut {

    private final QuotesProperties properties;

    private final QuoteClient client;

    private final FanOutStats stats = new FanOutStats();

    FanOut(QuotesProperties properties, QuoteClient client) {
        this.properties = properties;
        this.client = client;
    }

    QuoteBoard quote(String item, Duration deadline) throws Exception {
        long start = System.nanoTime();
        List<QuotesProperties.Backend> backends = this.properties.backends();
        List<Task<Quote>> asked = new ArrayList<>(backends.size());
        List<Quote> quotes = new ArrayList<>(backends.size());
        try (var scope = TaskScope.collectAll()) {
            for (QuotesProperties.Backend backend : backends) {
                asked.add(scope.fork("quote " + backend.name(), () -> {
                    Echo.currentTask().onExit((outcome) -> {
                        if (outcome == FutureState.CANCELLED) {
                            this.stats.stragglersCancelled.increment();
                        }
                    });
                    return this.client.price(backend, item);
                }));
            }
            try {
                Echo.withTimeout(deadline, scope::join);
            }
            catch (DeadlineExceededException late) {
                // What has not arrived is missing; closing the scope cancels it.
            }
            for (int i = 0; i < backends.size(); i++) {
                Task<Quote> task = asked.get(i);
                quotes.add(task.future().state() == FutureState.RESOLVED ? task.future().resultNow()
                        : Quote.missing(backends.get(i).name(), deadline.toMillis()));
            }
        }
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        return count(new QuoteBoard(item, deadline.toMillis(), elapsedMillis,
                quotes.stream().noneMatch((quote) -> quote.status().equals("missing")),
                quotes.stream().filter(Quote::isOk).map(Quote::price).min(Double::compare).orElse(null), List.copyOf(quotes)));
    }

    private QuoteBoard count(QuoteBoard board) {
        this.stats.requests.increment();
        (board.complete() ? this.stats.complete : this.stats.partial).increment();
        for (Quote quote : board.quotes()) {
            switch (quote.status()) {
                case "ok" -> this.stats.arrived.increment();
                case "failed" -> this.stats.failed.increment();
                default -> this.stats.missing.increment();
            }
        }
        return board;
    }

    FanOutStats.Snapshot stats() {
        return this.stats.snapshot();
    }

    Duration defaultDeadline() {
        return this.properties.deadline();
    }
}
