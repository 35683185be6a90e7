package dev.echo.spring.actuate;

import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.ProcessorStats;
import dev.echo.runtime.RuntimeStats;
import dev.echo.runtime.TaskStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for one {@link EchoRuntime}, in the manner of Micrometer's
 * {@code ExecutorServiceMetrics}: every meter carries a low-cardinality {@code name} tag (the
 * runtime's name); per-processor meters add {@code processor} (its index, so at most
 * {@code processors} values). docs/actuator.md lists them with their Prometheus names. Counts
 * carry no base unit, so that Prometheus names stay as the issue fixed them
 * ({@code echo_tasks_spawned_total}, {@code echo_processor_queue_size}); busy time is in seconds.
 *
 * <p>One scrape reads one {@link RuntimeStats} snapshot: the first meter read takes it, and the
 * others reuse it for {@link #SNAPSHOT_MAX_AGE_NANOS}. Taking it locks nothing global (the
 * live-task registry one stripe at a time, processor counters by opaque reads), so a scrape
 * never stops the runtime; it allocates the snapshot and nothing per meter.
 */
public class EchoMetrics implements MeterBinder {

    /** How long one snapshot serves the meters of a scrape. */
    static final long SNAPSHOT_MAX_AGE_NANOS = 100_000_000L;

    private final EchoRuntime runtime;

    private final Tags tags;

    private volatile Snapshot snapshot = new Snapshot(null, 0);

    public EchoMetrics(EchoRuntime runtime) {
        this(runtime, List.of());
    }

    /** With extra tags on every meter, beside {@code name}. */
    public EchoMetrics(EchoRuntime runtime, Iterable<Tag> tags) {
        this.runtime = runtime;
        this.tags = Tags.of(tags).and("name", runtime.name());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "echo.tasks.spawned", "Tasks spawned", null, this.tags, RuntimeStats::tasksSpawned);
        counter(registry, "echo.tasks.completed", "Tasks ended, by outcome", null, this.tags.and("outcome", "resolved"),
                RuntimeStats::tasksCompleted);
        counter(registry, "echo.tasks.completed", "Tasks ended, by outcome", null, this.tags.and("outcome", "failed"),
                RuntimeStats::tasksFailed);
        counter(registry, "echo.tasks.completed", "Tasks ended, by outcome", null, this.tags.and("outcome", "cancelled"),
                RuntimeStats::tasksCancelled);
        counter(registry, "echo.tasks.woken", "Task runs after a task's first: wake-ups after a park, and yields", null,
                this.tags, RuntimeStats::tasksWoken);
        counter(registry, "echo.channel.messages.sent", "Values tasks of the runtime put into channels (buffered or handed over)",
                null, this.tags, RuntimeStats::channelMessagesSent);
        counter(registry, "echo.channel.messages.received", "Values channels gave to receivers in tasks of the runtime", null,
                this.tags, RuntimeStats::channelMessagesReceived);
        for (TaskStatus status : List.of(TaskStatus.READY, TaskStatus.RUNNING, TaskStatus.WAITING)) {
            gauge(registry, "echo.tasks.live", "Live tasks, by status", null,
                    this.tags.and("status", status.name().toLowerCase(java.util.Locale.ROOT)),
                    (stats) -> stats.liveByStatus().getOrDefault(status, 0L));
        }
        for (int i = 0; i < this.runtime.processors(); i++) {
            int id = i;
            Tags processor = this.tags.and("processor", Integer.toString(id));
            gauge(registry, "echo.processor.queue.size", "Tasks in the processor's local run queue", null, processor,
                    (stats) -> processor(stats, id).queueLength());
            counter(registry, "echo.processor.tasks.run", "Task runs on the processor (a task resumed five times counts five)",
                    null, processor, (stats) -> processor(stats, id).tasksRun());
            counter(registry, "echo.processor.steals", "Tasks stolen, by direction", null, processor.and("direction", "in"),
                    (stats) -> processor(stats, id).stealsIn());
            counter(registry, "echo.processor.steals", "Tasks stolen, by direction", null, processor.and("direction", "out"),
                    (stats) -> processor(stats, id).stealsOut());
            counter(registry, "echo.processor.parks", "Times the processor went idle", null, processor,
                    (stats) -> processor(stats, id).parks());
            counter(registry, "echo.processor.busy", "Time the processor spent running tasks", "seconds", processor,
                    (stats) -> processor(stats, id).busyTimeNanos() / 1e9);
        }
        gauge(registry, "echo.global.queue.size", "Tasks in the global run queue", null, this.tags,
                RuntimeStats::globalQueueLength);
        gauge(registry, "echo.timers.pending", "Timers scheduled and not yet fired", null, this.tags, RuntimeStats::timersPending);
        gauge(registry, "echo.workers", "Carrier threads alive", null, this.tags, RuntimeStats::workers);
        counter(registry, "echo.handoffs", "Processors handed off by the monitor because one task held them", null, this.tags,
                RuntimeStats::handOffs);
        // Reactor Netty's reactor.netty.eventloop.pending.tasks reads only SingleThreadEventExecutors,
        // which Echo's loop (a ManualIoEventLoop) is not: this is that figure for Echo's loop.
        gauge(registry, "echo.reactor.pending.tasks", "Tasks queued on the runtime's Netty event loop and not yet run", null,
                this.tags, RuntimeStats::reactorPendingTasks);
    }

    private void counter(MeterRegistry registry, String name, String description, @Nullable String baseUnit, Tags tags,
            ToDoubleFunction<RuntimeStats> value) {
        FunctionCounter.builder(name, this, (metrics) -> value.applyAsDouble(metrics.stats()))
            .description(description).baseUnit(baseUnit).tags(tags).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, @Nullable String baseUnit, Tags tags,
            ToDoubleFunction<RuntimeStats> value) {
        Gauge.builder(name, this, (metrics) -> value.applyAsDouble(metrics.stats()))
            .description(description).baseUnit(baseUnit).tags(tags).register(registry);
    }

    private static ProcessorStats processor(RuntimeStats stats, int id) {
        return stats.processors().get(id);
    }

    /** The snapshot of this scrape: a fresh one if the last is older than SNAPSHOT_MAX_AGE_NANOS. */
    RuntimeStats stats() {
        Snapshot current = this.snapshot;
        long now = System.nanoTime();
        if (current.stats == null || now - current.takenAt > SNAPSHOT_MAX_AGE_NANOS) {
            // Two concurrent scrapes may both take one: harmless, each is a valid view.
            current = new Snapshot(this.runtime.stats(), now);
            this.snapshot = current;
        }
        return java.util.Objects.requireNonNull(current.stats);
    }

    private record Snapshot(@Nullable RuntimeStats stats, long takenAt) {
    }
}
