package dev.echo.spring.actuate;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.ProcessorStats;
import dev.echo.runtime.RuntimeStats;
import dev.echo.runtime.TaskDump;
import dev.echo.runtime.TaskInfo;
import dev.echo.runtime.TaskStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code echo} endpoint: the runtime's statistics ({@code /actuator/echo}) and a dump of its
 * live tasks ({@code /actuator/echo/tasks}, JSON or jstack-like {@code text/plain}, as
 * {@code /actuator/threaddump} offers both; {@code /actuator/echo/tasks/{id}} for one task).
 * Where the thread dump lists platform threads only, this lists every Echo task with what it
 * waits on, taken from the runtime's wait targets rather than parsed from stacks.
 *
 * <p>The field names are a contract (docs/actuator.md): tooling outside the project reads them.
 * The task dump is sensitive (task names, stack frames): like every endpoint but
 * {@code health}, it is not exposed over HTTP unless the application says so.
 */
@Endpoint(id = "echo")
public class EchoEndpoint {

    /** Tasks listed when no {@code limit} is given. */
    public static final int DEFAULT_LIMIT = 100;

    private static final String TASKS = "tasks";

    private static final Set<TaskStatus> LIVE = EnumSet.of(TaskStatus.READY, TaskStatus.RUNNING, TaskStatus.WAITING);

    private final EchoRuntime runtime;

    public EchoEndpoint(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    /** {@code GET /actuator/echo}: the statistics snapshot. */
    @ReadOperation
    public RuntimeDescriptor runtime() {
        RuntimeStats stats = this.runtime.stats();
        return new RuntimeDescriptor(stats.name(), stats.transport(),
                stats.processors().stream().map(ProcessorDescriptor::of).toList(), TasksDescriptor.of(stats),
                stats.globalQueueLength(), stats.timersPending(), stats.workers(), stats.handOffs(),
                stats.reactorPendingTasks());
    }

    /**
     * {@code GET /actuator/echo/tasks?limit=&status=&stack=}: the live tasks, oldest first.
     *
     * @param section only {@code tasks} exists (anything else is 404)
     * @param limit most tasks to list (default 100, at most 10,000)
     * @param status statuses to list, comma-separated (ready, running, waiting); all when absent
     * @param stack whether to include each task's stack frames
     */
    @ReadOperation
    public @Nullable TaskDumpDescriptor tasks(@Selector String section, @Nullable Integer limit, @Nullable String status,
            @Nullable Boolean stack) {
        if (!TASKS.equals(section)) {
            return null;
        }
        TaskDump dump = dump(limit, status, stack);
        return new TaskDumpDescriptor(this.runtime.name(), dump.matched(), dump.tasks().stream().map(TaskDescriptor::of).toList());
    }

    /** The same dump as {@link #tasks}, as text in a jstack-like layout. */
    @ReadOperation(produces = "text/plain;charset=UTF-8")
    public @Nullable String textTasks(@Selector String section, @Nullable Integer limit, @Nullable String status,
            @Nullable Boolean stack) {
        if (!TASKS.equals(section)) {
            return null;
        }
        TaskDump dump = dump(limit, status, stack);
        StringBuilder text = new StringBuilder();
        text.append(Instant.now()).append('\n')
            .append("Echo task dump of runtime '").append(this.runtime.name()).append("' (")
            .append(dump.tasks().size()).append(" of ").append(dump.matched()).append(" matching live tasks):\n");
        for (TaskInfo task : dump.tasks()) {
            text.append('\n').append('"').append(label(task)).append("\" #").append(task.id())
                .append(" status=").append(task.status())
                .append(" age=").append(task.age().toMillis()).append("ms\n");
            if (task.waitingOn() != null) {
                text.append("   waiting on: ").append(task.waitingOn()).append('\n');
            }
            for (StackTraceElement frame : task.stack()) {
                text.append("\tat ").append(frame).append('\n');
            }
        }
        return text.toString();
    }

    /** {@code GET /actuator/echo/tasks/{id}?stack=}: one live task (404 once it has ended). */
    @ReadOperation
    public @Nullable TaskDescriptor task(@Selector String section, @Selector long id, @Nullable Boolean stack) {
        if (!TASKS.equals(section)) {
            return null;
        }
        return this.runtime.taskInfo(id, Boolean.TRUE.equals(stack)).map(TaskDescriptor::of).orElse(null);
    }

    private TaskDump dump(@Nullable Integer limit, @Nullable String status, @Nullable Boolean stack) {
        int max = (limit != null) ? limit : DEFAULT_LIMIT;
        if (max < 0 || max > EchoRuntime.TASK_DUMP_MAX) {
            throw new InvalidEndpointRequestException("limit must be between 0 and " + EchoRuntime.TASK_DUMP_MAX + ", got " + max,
                    "limit must be between 0 and " + EchoRuntime.TASK_DUMP_MAX + ", got " + max);
        }
        return this.runtime.taskDump(max, statuses(status), Boolean.TRUE.equals(stack));
    }

    /** "waiting" or "ready,running" (any case) to the statuses; absent or blank means all. */
    static Set<TaskStatus> statuses(@Nullable String status) {
        if (status == null || status.isBlank()) {
            return Set.of();
        }
        Set<TaskStatus> statuses = EnumSet.noneOf(TaskStatus.class);
        for (String part : status.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            TaskStatus parsed = LIVE.stream().filter((live) -> live.name().equals(name)).findFirst().orElse(null);
            if (parsed == null) {
                String reason = "status '" + part.trim() + "' is not a live task status; use ready, running or waiting (comma-separated)";
                throw new InvalidEndpointRequestException(reason, reason);
            }
            statuses.add(parsed);
        }
        return statuses;
    }

    private static String label(TaskInfo task) {
        return (task.name() != null) ? task.name() : "Task#" + task.id();
    }

    /** {@code /actuator/echo}. */
    public record RuntimeDescriptor(String name, String transport, List<ProcessorDescriptor> processors,
            TasksDescriptor tasks, int globalQueueLength, int timersPending, int workers, long handOffs,
            long reactorPendingTasks) {
    }

    /** One processor in {@code /actuator/echo}. */
    public record ProcessorDescriptor(int id, String state, int queueLength, long tasksRun, long stealsIn,
            long stealsOut, long globalTakes, long parks, long busyTimeNanos) {

        static ProcessorDescriptor of(ProcessorStats stats) {
            return new ProcessorDescriptor(stats.id(), stats.state(), stats.queueLength(), stats.tasksRun(), stats.stealsIn(),
                    stats.stealsOut(), stats.globalTakes(), stats.parks(), stats.busyTimeNanos());
        }
    }

    /** The task counters in {@code /actuator/echo}. */
    public record TasksDescriptor(long spawned, long live, long ready, long running, long waiting, long completed,
            long failed, long cancelled) {

        static TasksDescriptor of(RuntimeStats stats) {
            return new TasksDescriptor(stats.tasksSpawned(), stats.tasksLive(), count(stats, TaskStatus.READY),
                    count(stats, TaskStatus.RUNNING), count(stats, TaskStatus.WAITING), stats.tasksCompleted(),
                    stats.tasksFailed(), stats.tasksCancelled());
        }

        private static long count(RuntimeStats stats, TaskStatus status) {
            return stats.liveByStatus().getOrDefault(status, 0L);
        }
    }

    /** {@code /actuator/echo/tasks}. */
    public record TaskDumpDescriptor(String runtime, int matched, List<TaskDescriptor> tasks) {
    }

    /** One task in {@code /actuator/echo/tasks}; {@code stack} is present only when asked for. */
    public record TaskDescriptor(long id, @Nullable String name, String status, long ageMillis, @Nullable String waitingOn,
            @Nullable List<String> stack) {

        static TaskDescriptor of(TaskInfo task) {
            return new TaskDescriptor(task.id(), task.name(), task.status().name(), task.age().toMillis(), task.waitingOn(),
                    task.stack().isEmpty() ? null : task.stack().stream().map(StackTraceElement::toString).toList());
        }
    }
}
