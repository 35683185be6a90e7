package dev.echo.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

/**
 * One live task at the moment of a {@linkplain EchoRuntime#taskDump task dump}: what a thread
 * dump line is for a thread, for an Echo task (which {@code /actuator/threaddump} and
 * {@code ThreadMXBean} cannot see: they list platform threads only).
 *
 * <p>{@code waitingOn} comes from the runtime, not from the stack: the {@link WaitTarget} the
 * task parked on through {@link Parking} ({@code "receive on Channel#7[capacity=16, 0 queued]"},
 * {@code "read from TcpConnection[/127.0.0.1:41234 -> /127.0.0.1:8080]"},
 * {@code "join of Task#12"}), followed by {@code ", timer in 240 ms"} when the park has a
 * deadline ({@code "sleep, timer in 240 ms"}). A task parked in the JDK instead (a lock, a
 * monitor, {@code Thread.sleep}, JDK blocking I/O) is described by the JDK's blocker object
 * and its thread state. Null while the task is not waiting.
 *
 * <p>Sensitive: names and stack frames show application internals.
 *
 * @param id        the task's id ({@link Task#id()})
 * @param name      the name given at spawn, or null
 * @param status    READY, RUNNING or WAITING (a task that ended meanwhile shows its final status)
 * @param age       time since it was spawned
 * @param waitingOn what it waits on, or null (see above)
 * @param stack     its stack frames, innermost first; empty unless asked for
 */
public record TaskInfo(long id, String name, TaskStatus status, Duration age, String waitingOn,
                       List<StackTraceElement> stack) {

    public TaskInfo {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(age, "age");
        stack = List.copyOf(stack);
    }

    /** A moment's view of {@code task}; {@code now} is one System.nanoTime() for the whole dump. */
    static TaskInfo of(Task<?> task, TaskStatus status, long now, boolean withStack) {
        List<StackTraceElement> stack = withStack && !status.isTerminal()
                ? List.of(task.thread.getStackTrace()) : List.of();
        return new TaskInfo(task.id(), task.name(), status, Duration.ofNanos(Math.max(0, now - task.spawnNanos())),
                describeWait(task, status, now), stack);
    }

    /** The wait description of the class comment; reads racy moment's views, never locks. */
    static String describeWait(Task<?> task, TaskStatus status, long now) {
        Object blocker = task.waitingOn();
        long deadline = task.parkDeadline();
        String what;
        if (blocker instanceof WaitTarget target) {
            what = target.describeWait();
        } else if (blocker != null) {
            what = "park on " + identity(blocker);
        } else if (status == TaskStatus.WAITING) {
            // Not parked through Parking: a JDK lock or monitor, Thread.sleep, JDK blocking I/O.
            Object jdkBlocker = LockSupport.getBlocker(task.thread);
            Thread.State state = task.thread.getState();
            String kind = state == Thread.State.TIMED_WAITING ? "JDK timed wait" : state == Thread.State.BLOCKED
                    ? "JDK monitor enter" : "JDK wait";
            return jdkBlocker != null ? kind + " on " + identity(jdkBlocker) : kind;
        } else {
            return null;
        }
        if (deadline != Parking.NO_DEADLINE) {
            what += ", timer in " + Math.max(0, (deadline - now) / 1_000_000) + " ms";
        }
        return what;
    }

    private static String identity(Object object) {
        return object.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(object));
    }
}
