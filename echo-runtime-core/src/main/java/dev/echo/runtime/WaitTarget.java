package dev.echo.runtime;

/**
 * What a parked task waits on, as the runtime sees it: used for deadlock detection and in
 * {@link DeadlockException}'s report. Pass it as the blocker to
 * {@link Parking#park(Object, long)}.
 *
 * <p>Deadlock detection declares "all tasks are asleep" only when every live task is parked on
 * a target that says nothing outside the runtime can wake it. A target that may be completed
 * by a plain thread (a {@link Promise}, a channel a plain thread has used) must answer
 * {@code true} from {@link #wakeableFromOutside()}, otherwise the detector would report a false
 * deadlock.
 */
public interface WaitTarget {

    /** True if something other than an Echo task (a plain thread, a callback) may wake the waiter. */
    boolean wakeableFromOutside();

    /** A short description for deadlock reports, e.g. {@code "receive on Channel[cap=0]"}. */
    String describeWait();
}
