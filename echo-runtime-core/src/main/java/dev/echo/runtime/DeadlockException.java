package dev.echo.runtime;

import java.util.List;

/**
 * Thrown by {@link EchoRuntime#block} when the main task can never finish — Go's "all goroutines
 * are asleep - deadlock!" — and only when {@linkplain EchoRuntime.Builder#deadlockDetection(boolean)
 * deadlock detection} is on, which declares a closed world: nothing outside the runtime's tasks
 * acts on them while block() waits.
 *
 * <p>Why opt-in: Go has no "outside", so "every goroutine is blocked" proves a deadlock there.
 * An Echo runtime lives in a JVM where any plain thread may hold a channel, a promise, a task
 * or the runtime itself, and act on it later (send after a sleep, cancel, close) without having
 * touched anything yet; no check Echo can make at the moment of the report sees that thread
 * coming. (The JDK keeps every virtual thread strongly reachable, {@code jdk.trackAllThreads},
 * so not even garbage-collector reachability can prove a parked task unwakeable.) So a report
 * is sound only under the closed-world promise.
 *
 * <p>The rule: a report is made only when nothing is runnable, no Echo timer is pending, the
 * event loop was never handed out ({@link NettyInterop#eventLoop(EchoRuntime)}: Netty channels, Echo TCP),
 * and every live task — main included — is parked without a deadline on an Echo primitive that
 * no plain thread has used. Never part of a report, so their presence means no report: a wait
 * with a deadline (it always ends, and its timer may be firing at this very moment), a JDK
 * blocking call (sleep, a lock, socket I/O), a promise or a future that is not a task's.
 *
 * <p>The runtime is left as it was; close it to cancel the parked tasks.
 */
public final class DeadlockException extends IllegalStateException {

    private final List<String> parkedTasks;

    DeadlockException(List<String> parkedTasks) {
        super("all tasks are asleep - deadlock! Parked tasks:\n  " + String.join("\n  ", parkedTasks));
        this.parkedTasks = List.copyOf(parkedTasks);
    }

    /** One line per parked task: the task and what it waits on. */
    public List<String> parkedTasks() {
        return parkedTasks;
    }
}
