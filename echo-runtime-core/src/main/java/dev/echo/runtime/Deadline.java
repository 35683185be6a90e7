package dev.echo.runtime;

import dev.echo.runtime.spi.Parking;

/**
 * A deadline that bounds every Echo wait of the code inside a {@link Echo#withTimeout} body or a
 * {@link TaskScope} with a deadline, and of the tasks forked there: Go's
 * {@code context.WithDeadline}, carried by the thread instead of passed as an argument.
 *
 * <p>Immutable, so a child task shares its parent's instance. Nesting keeps the earliest: an
 * inner scope whose own deadline is later keeps the outer instance (and its origin, for the
 * exception message).
 *
 * @param nanos  a {@link System#nanoTime()} instant, never {@link Parking#NO_DEADLINE}
 * @param origin what set it, for {@link DeadlineExceededException}'s message
 */
record Deadline(long nanos, String origin) {

    /** The earlier of {@code outer} (null: none) and a new deadline at {@code nanos} from {@code origin}. */
    static Deadline earliest(Deadline outer, long nanos, String origin) {
        return outer != null && outer.nanos - nanos <= 0 ? outer : new Deadline(nanos, origin);
    }

    boolean hasPassed() {
        return nanos - System.nanoTime() <= 0;
    }

    DeadlineExceededException exceeded() {
        return new DeadlineExceededException(origin);
    }

    /**
     * The deadline for a wait through {@link Parking}: the earlier of the caller's own
     * {@code deadlineNanos} and this one.
     */
    long bound(long deadlineNanos) {
        return deadlineNanos == Parking.NO_DEADLINE || nanos - deadlineNanos < 0 ? nanos : deadlineNanos;
    }

    /** True if this deadline, not the caller's own {@code deadlineNanos}, ends the wait. */
    boolean binds(long deadlineNanos) {
        return deadlineNanos == Parking.NO_DEADLINE || nanos - deadlineNanos < 0;
    }
}
