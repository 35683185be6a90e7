package dev.echo.runtime.net;

import dev.echo.runtime.Task;

/**
 * A socket that belongs to the task that used it last ({@link TcpConnection}, {@link TcpListener}):
 * if that task ends failed or cancelled, {@link OpenSockets}' sweep aborts the socket, so a task
 * that dies holding a socket does not leak its file descriptor.
 */
interface TaskOwned {

    /** The task that used the socket last, or null (a plain thread, or nobody yet). */
    Task<?> owner();

    /** Closes at once, dropping unsent data; wakes anyone blocked on it. Idempotent. */
    void abort(String reason);
}
