package dev.echo.sample.quotes;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one backend saw: requests, answers, failures it returned, and requests whose client went
 * away before the answer (the connection closed; the backend's task ended cancelled).
 */
final class BackendStats {

    final LongAdder requests = new LongAdder();
    final LongAdder answered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder disconnected = new LongAdder();

    Snapshot snapshot(String name) {
        return new Snapshot(name, this.requests.sum(), this.answered.sum(), this.failed.sum(), this.disconnected.sum());
    }

    /** As JSON in {@code GET /backends}. */
    record Snapshot(String name, long requests, long answered, long failed, long disconnected) {
    }
}
