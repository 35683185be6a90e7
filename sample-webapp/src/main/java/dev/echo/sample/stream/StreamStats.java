package dev.echo.sample.stream;

import java.util.concurrent.atomic.LongAdder;

/** Producers started and ended ({@code GET /api/stream/stats}), the difference being the streams open now, and ticks sent. */
final class StreamStats {

    final LongAdder started = new LongAdder();
    final LongAdder ended = new LongAdder();
    /** Ticks handed to channels (taken by their streams' connections). */
    final LongAdder ticks = new LongAdder();

    Snapshot snapshot() {
        long ended = this.ended.sum();
        long started = this.started.sum();
        return new Snapshot(started, ended, started - ended, this.ticks.sum());
    }

    record Snapshot(long started, long ended, long live, long ticks) {
    }
}
