package dev.echo.spring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.ProcessorHold;
import dev.echo.runtime.RuntimeStats;
import dev.echo.runtime.TaskInfo;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code echo} health contributor.
 *
 * <ul>
 *   <li><b>DOWN</b> once the runtime is closed (it runs no task any more).</li>
 *   <li><b>Stalled</b> (DOWN unless configured otherwise) while a processor has run no other
 *       task for longer than the stall threshold <em>and</em> work waits, in its own queue or the
 *       global one: one task holds it (a CPU loop, a native call pinning its carrier) and the
 *       work behind it cannot run. The details name the processor, how long, and the task
 *       holding it with its top frames. A processor busy with one long task while nothing
 *       waits is not stalled: nobody is kept waiting.</li>
 *   <li><b>UP</b> otherwise.</li>
 * </ul>
 * Details always carry each processor's state and queue length and the global queue length.
 */
public class EchoHealthIndicator extends AbstractHealthIndicator {

    /** Frames of the holding task shown in the details. */
    private static final int FRAMES = 8;

    private final EchoRuntime runtime;

    private final Duration stallThreshold;

    private final Status stallStatus;

    public EchoHealthIndicator(EchoRuntime runtime, Duration stallThreshold, Status stallStatus) {
        super("Echo health check failed");
        this.runtime = runtime;
        this.stallThreshold = stallThreshold;
        this.stallStatus = stallStatus;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("name", this.runtime.name());
        if (this.runtime.isClosed()) {
            builder.down().withDetail("reason", "runtime '" + this.runtime.name() + "' is closed");
            return;
        }
        RuntimeStats stats = this.runtime.stats();
        builder.withDetail("processors", stats.processors().stream()
            .map((p) -> Map.of("id", p.id(), "state", p.state(), "queueLength", p.queueLength())).toList());
        builder.withDetail("globalQueueLength", stats.globalQueueLength());
        List<ProcessorHold> stalled = this.runtime.processorHolds().stream()
            .filter((hold) -> hold.heldFor().compareTo(this.stallThreshold) >= 0)
            .filter((hold) -> hold.queueLength() > 0 || stats.globalQueueLength() > 0)
            .toList();
        if (stalled.isEmpty()) {
            builder.up();
            return;
        }
        ProcessorHold first = stalled.get(0);
        builder.status(this.stallStatus)
            .withDetail("reason", "processor " + first.processor() + " has run no other task for " + first.heldFor().toMillis()
                    + " ms while work waits (" + first.queueLength() + " in its queue, " + stats.globalQueueLength()
                    + " in the global queue); held by " + holder(first.task()))
            .withDetail("stalled", stalled.stream().map(EchoHealthIndicator::describe).toList());
    }

    private static Map<String, Object> describe(ProcessorHold hold) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("processor", hold.processor());
        detail.put("heldForMillis", hold.heldFor().toMillis());
        detail.put("queueLength", hold.queueLength());
        TaskInfo task = hold.task();
        if (task != null) {
            Map<String, Object> holder = new LinkedHashMap<>();
            holder.put("id", task.id());
            if (task.name() != null) {
                holder.put("name", task.name());
            }
            holder.put("status", task.status().name());
            holder.put("ageMillis", task.age().toMillis());
            holder.put("stack", task.stack().stream().limit(FRAMES).map(StackTraceElement::toString).toList());
            detail.put("task", holder);
        }
        return detail;
    }

    private static String holder(TaskInfo task) {
        if (task == null) {
            return "a task that could not be identified";
        }
        return "Task#" + task.id() + ((task.name() != null) ? "(" + task.name() + ")" : "");
    }
}
