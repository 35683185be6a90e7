package dev.echo.sample.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import dev.echo.runtime.EchoRuntime;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * One partition's pipeline: four stages, each a pool of workers, connected by bounded pipes
 * that carry batches of lines.
 *
 * <pre>
 *  read ×1 ──lines──▶ parse ×P ──parsed──▶ enrich ×E ──enriched──▶ aggregate ×1
 *  (file I/O)         (CLF, validate)      (JDBC lookup)          (per endpoint)
 * </pre>
 *
 * A full pipe makes its senders wait, so a slow stage slows the ones before it instead of
 * filling memory; the last worker of a stage to finish closes its output, which ends the next
 * stage once drained. The reader is blocking file I/O and the enrich workers block on JDBC: on
 * the Echo engine both are plain blocking calls in tasks.
 */
@Component
final class AccessLogPipeline {

    private static final Logger log = LoggerFactory.getLogger(AccessLogPipeline.class);

    /** Lines handed from read to parse; numbered from firstLine. */
    private record LineBatch(long firstLine, List<String> lines) {
    }

    /** What parse hands on: the records and the malformed lines of one batch, and its line count. */
    private record ParsedBatch(List<AccessRecord> records, List<Malformed> malformed, int lines) {
    }

    private final AccessLogProperties properties;
    private final ClientNetworks networks;
    private final EchoRuntime runtime;
    private final PipelineMonitor monitor;

    AccessLogPipeline(AccessLogProperties properties, ClientNetworks networks, EchoRuntime runtime,
            PipelineMonitor monitor) {
        this.properties = properties;
        this.networks = networks;
        this.runtime = runtime;
        this.monitor = monitor;
    }

    /** Runs the pipeline over {@code range} of {@code file} and returns what it found. */
    AnalysisSummary run(Path file, LineRange range) throws Exception {
        Engine engine = properties.getEngine();
        int capacity = properties.getChannelCapacity();
        Pipe<LineBatch> lines = engine.pipe("parse", capacity);
        Pipe<ParsedBatch> parsed = engine.pipe("enrich", capacity);
        Pipe<ParsedBatch> enriched = engine.pipe("aggregate", capacity);
        PartitionAggregate aggregate = new PartitionAggregate();

        int parseWorkers = properties.getParseWorkers() > 0 ? properties.getParseWorkers() : runtime.processors();
        List<Workers.Worker> workers = new ArrayList<>();
        stage(workers, "read", 1, lines, () -> read(file, range, lines));
        stage(workers, "parse", parseWorkers, parsed, () -> parse(lines, parsed));
        stage(workers, "enrich", properties.getEnrichWorkers(), enriched, () -> enrich(parsed, enriched));
        stage(workers, "aggregate", 1, null, () -> aggregate(enriched, aggregate));

        List<Pipe<?>> pipes = List.of(lines, parsed, enriched);
        monitor.register(pipes);
        try {
            engine.workers(runtime).runAll(workers);
        } finally {
            monitor.unregister(pipes);
        }
        if (aggregate.lines() != range.lineCount()) {
            throw new IllegalStateException("partition at line " + range.firstLine() + " ended with "
                    + aggregate.lines() + " of its " + range.lineCount() + " lines");
        }
        return aggregate.toSummary();
    }

    /** Adds {@code count} workers running {@code loop}; the last one to finish closes {@code output} (the last stage has none). */
    private static void stage(List<Workers.Worker> workers, String name, int count, @Nullable Pipe<?> output,
            Callable<Void> loop) {
        AtomicInteger running = new AtomicInteger(count);
        for (int i = 0; i < count; i++) {
            workers.add(new Workers.Worker(name + "-" + i, () -> {
                loop.call();
                if (running.decrementAndGet() == 0 && output != null) {
                    output.close();
                }
                return null;
            }));
        }
    }

    private Void read(Path file, LineRange range, Pipe<LineBatch> out) throws IOException, InterruptedException {
        int batchSize = properties.getBatchSize();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(range.startByte());
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8), 1 << 16);
            long end = range.firstLine() + range.lineCount();
            long first = range.firstLine();
            List<String> batch = new ArrayList<>(batchSize);
            for (long number = first; number < end; number++) {
                String text = in.readLine();
                if (text == null) {
                    throw new IOException(file + " ended before line " + number
                            + "; did it change while the job ran?");
                }
                batch.add(text);
                if (batch.size() == batchSize) {
                    out.send(new LineBatch(first, batch));
                    first = number + 1;
                    batch = new ArrayList<>(batchSize);
                }
            }
            if (!batch.isEmpty()) {
                out.send(new LineBatch(first, batch));
            }
        }
        return null;
    }

    private Void parse(Pipe<LineBatch> in, Pipe<ParsedBatch> out) throws InterruptedException {
        for (LineBatch batch; (batch = in.receive()) != null;) {
            List<AccessRecord> records = new ArrayList<>(batch.lines().size());
            List<Malformed> malformed = new ArrayList<>(0);
            long number = batch.firstLine();
            for (String text : batch.lines()) {
                switch (CommonLogFormat.parse(number++, text)) {
                    case AccessRecord record -> records.add(record);
                    case Malformed bad -> malformed.add(bad);
                }
            }
            out.send(new ParsedBatch(records, malformed, batch.lines().size()));
        }
        return null;
    }

    private Void enrich(Pipe<ParsedBatch> in, Pipe<ParsedBatch> out) throws Exception {
        for (ParsedBatch batch; (batch = in.receive()) != null;) {
            out.send(new ParsedBatch(networks.enrich(batch.records()), batch.malformed(), batch.lines()));
        }
        return null;
    }

    private Void aggregate(Pipe<ParsedBatch> in, PartitionAggregate aggregate) throws InterruptedException {
        int limit = properties.getLogMalformed();
        for (ParsedBatch batch; (batch = in.receive()) != null;) {
            batch.records().forEach(aggregate::add);
            for (Malformed bad : batch.malformed()) {
                aggregate.skip(bad);
                if (monitor.mayLogMalformed(limit)) {
                    log.warn("Skipped {}", bad);
                } else if (monitor.malformedLogCapped(limit)) {
                    log.warn("Further malformed lines are counted, not logged; the report lists the first {}",
                            AnalysisSummary.MALFORMED_LISTED);
                }
            }
            monitor.done(batch.lines());
        }
        return null;
    }
}
