package dev.echo.sample.quotes;

import java.util.concurrent.atomic.LongAdder;

/** Counts over every fan-out since start ({@code GET /api/quotes/stats}; the dashboard shows them). */
final class FanOutStats {

    final LongAdder requests = new LongAdder();
    final LongAdder complete = new LongAdder();
    final LongAdder partial = new LongAdder();
    final LongAdder arrived = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder missing = new LongAdder();
    /** Straggler tasks that ended CANCELLED (counted by the task itself, as it ends). */
    final LongAdder stragglersCancelled = new LongAdder();

    Snapshot snapshot() {
        return new Snapshot(this.requests.sum(), this.complete.sum(), this.partial.sum(), this.arrived.sum(), this.failed.sum(),
                this.missing.sum(), this.stragglersCancelled.sum());
    }

    record Snapshot(long requests, long complete, long partial, long arrived, long failed, long missing, long stragglersCancelled) {
    }
}
