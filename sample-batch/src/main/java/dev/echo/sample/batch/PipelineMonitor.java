package dev.echo.sample.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

/**
 * What the progress display reads while the pipelines run: lines expected and done, and the
 * pipes of every running pipeline, whose depths show where work waits (a full pipe before a
 * stage means that stage is the bottleneck).
 */
@Component
final class PipelineMonitor {

    private final AtomicLong expected = new AtomicLong(-1);
    private final LongAdder done = new LongAdder();
    private final AtomicInteger malformedLogged = new AtomicInteger();
    private final List<Pipe<?>> pipes = new CopyOnWriteArrayList<>();

    void expect(long lines) {
        expected.set(lines);
    }

    /** Lines the partitioner counted, or -1 before it has. */
    long expected() {
        return expected.get();
    }

    void done(long lines) {
        done.add(lines);
    }

    long done() {
        return done.sum();
    }

    /** Whether the caller may log one more malformed line (the first {@code limit} of the job). */
    boolean mayLogMalformed(int limit) {
        return malformedLogged.getAndIncrement() < limit;
    }

    boolean malformedLogCapped(int limit) {
        return malformedLogged.get() == limit + 1;
    }

    void register(List<Pipe<?>> pipeline) {
        pipes.addAll(pipeline);
    }

    void unregister(List<Pipe<?>> pipeline) {
        pipes.removeAll(pipeline);
    }

    /** Batches waiting before each stage, over all running partitions: "parse 12/64  enrich 3/64". */
    String depths() {
        Map<String, int[]> byStage = new LinkedHashMap<>();
        for (Pipe<?> pipe : pipes) {
            int[] depth = byStage.computeIfAbsent(pipe.stage(), s -> new int[2]);
            depth[0] += pipe.depth();
            depth[1] += pipe.capacity();
        }
        StringBuilder text = new StringBuilder();
        byStage.forEach((stage, depth) -> text.append(text.isEmpty() ? "" : "  ").append(stage).append(' ')
                .append(depth[0]).append('/').append(depth[1]));
        return text.toString();
    }
}
