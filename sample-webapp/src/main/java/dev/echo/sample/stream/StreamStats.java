package dev.echo.sample.stream;

import java.util.concurrent.atomic.LongAdder;

/** Producers started and ended ({@code GET /api/stream/stats}); the difference is the streams open now. */
final class StreamStats {

    final LongAdder started = new LongAdder();
    final LongAdder ended = new LongAdder();

    Snapshot snapshot() {
        long ended = this.ended.sum();
        long started = this.started.sum();
        return new Snapshot(started, ended, started - ended);
    }

    record Snapshot(long started, long ended, long live) {
    }
}
