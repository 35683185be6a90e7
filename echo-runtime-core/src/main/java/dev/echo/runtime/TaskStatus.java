package dev.echo.runtime;

/**
 * Where a task is in its life.
 *
 * <pre>
 *   READY ──► RUNNING ◄──► WAITING
 *     │          │
 *     │          ├──► COMPLETED   (body returned)
 *     │          ├──► FAILED      (body threw)
 *     └──────────┴──► CANCELLED   (cancelled before it started, or it ended after cancel())
 * </pre>
 *
 * RUNNING covers a task that is mounted on a worker and one that is runnable in a queue;
 * WAITING is a task parked (in an Echo primitive, a JDK lock, a sleep or I/O).
 */
public enum TaskStatus {
    READY, RUNNING, WAITING, COMPLETED, FAILED, CANCELLED;

    /** True for COMPLETED, FAILED and CANCELLED. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
