package dev.echo.runtime;

import java.util.List;

/**
 * Thrown by {@link EchoRuntime#block} when the main task can never finish: nothing is runnable,
 * no timer is pending, no I/O is registered, and every live task — main included — is parked
 * on something only another task could wake. Go's "all goroutines are asleep - deadlock!".
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
