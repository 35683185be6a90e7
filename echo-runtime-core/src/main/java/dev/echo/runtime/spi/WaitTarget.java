package dev.echo.runtime.spi;

/**
 * What a parked task waits on, as the runtime sees it: pass one as the blocker to
 * {@link Parking#park(Object, long)}. Deadlock detection reasons about it and the task dump
 * (and {@code DeadlockException}'s report) shows its description.
 *
 * <p>Deadlock detection declares "all tasks are asleep" only when every live task is parked on
 * a target that says nothing outside the runtime can wake it. A target that may be completed
 * by a plain thread (a promise, a channel a plain thread has used, a socket) must answer
 * {@code true} from {@link #wakeableFromOutside()}, otherwise the detector would report a false
 * deadlock.
 */
public interface WaitTarget {

    /** True if something other than an Echo task (a plain thread, a callback, I/O) may wake the waiter. */
    boolean wakeableFromOutside();

    /** A short description for task dumps and deadlock reports, e.g. {@code "receive on Channel[cap=0]"}. */
    String describeWait();
}
