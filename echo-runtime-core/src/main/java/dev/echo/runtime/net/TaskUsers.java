package dev.echo.runtime.net;

import dev.echo.runtime.Echo;
import dev.echo.runtime.FutureState;
import dev.echo.runtime.Task;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks that have used one socket ({@link TcpConnection}, {@link TcpListener}). The socket
 * belongs to them together: it is aborted as soon as one of them ends failed or cancelled (the
 * peer sees a reset, not a hang), and closed gracefully when the last of them ends normally, so
 * a task that forgets close() leaks no file descriptor.
 *
 * <p>Cost. A task becomes a user at its first operation on the socket: one {@link Task#onExit}
 * registration per (task, socket) pair, removed when the socket closes. Nothing visits open
 * sockets periodically (an earlier design swept every open socket every 20 ms, a cost that grew
 * with the number of connections), and a task using the same socket again costs one volatile
 * read. Plain threads are never users: a socket only plain threads use is theirs to close.
 *
 * <p>Hand-over. "Used" means an operation, not a reference: a task that creates (connects) a
 * socket and hands it to another task must not end before the other task has used it, or the
 * socket closes with its last user. Accepting does not make the accepting task a user of the
 * accepted connection: a listener loop that spawns a handler per connection hands each one
 * over cleanly, and the handler's end closes it.
 */
final class TaskUsers {

    /** What TaskUsers closes. */
    interface Closable {
        /** Closes gracefully (written data still goes out). */
        void close();

        /** Closes at once, dropping unsent data. */
        void abort(String reason);
    }

    private final Closable socket;
    /** The thread of the last operation: a fast path for the same task again. Racy by design. */
    private volatile Thread lastUser;
    /** Guarded by this. Null once released. */
    private Map<Task<?>, AutoCloseable> users = new IdentityHashMap<>(2);

    TaskUsers(Closable socket) {
        this.socket = socket;
    }

    /** The calling task (if it is one) becomes a user. */
    void claim() {
        Thread self = Thread.currentThread();
        if (lastUser == self) {
            return;
        }
        lastUser = self;
        if (!Echo.inTask()) {
            return;
        }
        Task<?> task = Echo.currentTask();
        synchronized (this) {
            if (users == null || users.containsKey(task)) {
                return;
            }
            users.put(task, task.onExit(outcome -> exited(task, outcome)));
        }
    }

    /** On an ending user's thread. */
    private void exited(Task<?> task, FutureState outcome) {
        boolean last;
        synchronized (this) {
            if (users == null) {
                return;
            }
            users.remove(task);
            last = users.isEmpty();
        }
        if (outcome != FutureState.RESOLVED) {
            socket.abort("its user " + task + " ended " + outcome);
        } else if (last) {
            socket.close();
        }
    }

    /** The socket closed: its users' exit actions go. Idempotent. */
    void release() {
        List<AutoCloseable> registrations;
        synchronized (this) {
            if (users == null) {
                return;
            }
            registrations = new ArrayList<>(users.values());
            users = null;
        }
        for (AutoCloseable registration : registrations) {
            try {
                registration.close();
            } catch (Exception impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** The users now (tests). */
    synchronized int size() {
        return users == null ? 0 : users.size();
    }
}
