package dev.echo.sample.stream;

import java.time.Duration;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/stream}: server-sent events fed by a bounded {@link Channel} from a producer
 * task. The starter turns the returned channel into a demand-driven stream: a value leaves the
 * channel only when the connection can take it, so a slow client fills the channel and the
 * producer's {@code send} waits — each tick says how long ({@link Tick#pausedMillis()}). A client
 * that goes away closes the channel; the producer's next (or parked) {@code send} throws
 * {@link ChannelClosedException} and its task ends.
 */
@RestController
class TickStream {

    private final EchoRuntime runtime;

    private final StreamStats stats = new StreamStats();

    TickStream(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @param intervalMs the producer's pace: milliseconds between ticks, 0 (as fast as the client takes them) to 60,000
     * @param buffer the channel's capacity, 1 to 1,024
     */
    @GetMapping(path = "/api/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Channel<Tick> stream(@RequestParam(defaultValue = "100") long intervalMs, @RequestParam(defaultValue = "16") int buffer) {
        if (intervalMs < 0 || intervalMs > 60_000) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "intervalMs must be between 0 and 60000, was " + intervalMs);
        }
        if (buffer < 1 || buffer > 1_024) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "buffer must be between 1 and 1024, was " + buffer);
        }
        Channel<Tick> ticks = Channel.buffered(buffer);
        this.stats.started.increment();
        this.runtime.spawn("stream producer", () -> {
            try {
                return produce(ticks, Duration.ofMillis(intervalMs), this.stats);
            }
            finally {
                this.stats.ended.increment();
            }
        });
        return ticks;
    }

    @GetMapping("/api/stream/stats")
    StreamStats.Snapshot stats() {
        return this.stats.snapshot();
    }

    /** Sends ticks until the consumer closes the channel; returns how many it handed over. */
    private static long produce(Channel<Tick> ticks, Duration interval, StreamStats stats) {
        long start = System.nanoTime();
        long pausedNanos = 0;
        long seq = 1;
        try {
            for (; ; seq++) {
                Tick tick = new Tick(seq, millis(System.nanoTime() - start), millis(pausedNanos), ticks.size());
                long before = System.nanoTime();
                ticks.send(tick);
                stats.ticks.increment();
                pausedNanos = System.nanoTime() - before;
                Echo.sleep(interval);
            }
        }
        catch (ChannelClosedException consumerLeft) {
            // The client went away (or the stream was cancelled): this producer is done.
            return seq - 1;
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
