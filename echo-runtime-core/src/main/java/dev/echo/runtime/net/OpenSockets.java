package dev.echo.runtime.net;

import dev.echo.runtime.FutureState;
import dev.echo.runtime.Task;
import io.netty.channel.IoEventLoop;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sockets open on one runtime's event loop, and the sweep that closes those whose owning
 * task has ended failed or cancelled.
 *
 * <p>Why a sweep and not a callback on the task's future: registering a callback marks a failure
 * as observed ({@code EchoFuture.whenComplete}), which would silence the runtime's "unobserved
 * failure" warning for exactly the tasks that die holding a socket; and ownership moves with use
 * (a listener task accepts, a handler task reads), which a per-task registration would have to
 * follow on every hand-over. Reading a task's state observes nothing. The sweep runs on the event
 * loop every {@link #SWEEP_PERIOD_MILLIS} while any socket is open, and not at all otherwise.
 *
 * <p>A task cancelled while it waits in a socket operation aborts that socket at once (the
 * operation sees the cancellation); the sweep covers a task that fails or is cancelled elsewhere.
 */
final class OpenSockets {

    /** Picked so that a dead task's socket is closed within a blink, at ~50 cheap loop tasks/s. */
    static final long SWEEP_PERIOD_MILLIS = 20;

    /** One registry per event loop; removed when the loop terminates (the runtime closed). */
    private static final Map<IoEventLoop, OpenSockets> BY_LOOP = new ConcurrentHashMap<>();

    private final IoEventLoop loop;
    private final Set<TaskOwned> open = ConcurrentHashMap.newKeySet();
    /** True while a sweep is scheduled; CAS by whoever schedules it, cleared by the sweep. */
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();

    private OpenSockets(IoEventLoop loop) {
        this.loop = loop;
    }

    static OpenSockets of(IoEventLoop loop) {
        OpenSockets sockets = BY_LOOP.get(loop);
        if (sockets != null) {
            return sockets;
        }
        sockets = BY_LOOP.computeIfAbsent(loop, OpenSockets::new);
        loop.terminationFuture().addListener(f -> BY_LOOP.remove(loop));
        return sockets;
    }

    void add(TaskOwned socket) {
        open.add(socket);
        scheduleSweep();
    }

    void remove(TaskOwned socket) {
        open.remove(socket);
    }

    int size() {
        return open.size();
    }

    private void scheduleSweep() {
        if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true)) {
            try {
                loop.schedule(this::sweep, SWEEP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                sweepScheduled.set(false); // the runtime is closing; closing the loop closes every socket
            }
        }
    }

    /** On the event loop. */
    private void sweep() {
        for (TaskOwned socket : open) {
            Task<?> owner = socket.owner();
            if (owner != null && owner.future().isDone()) {
                FutureState state = owner.future().state();
                if (state != FutureState.RESOLVED) {
                    socket.abort("its owner " + owner + " ended " + state);
                }
            }
        }
        sweepScheduled.set(false);
        if (!open.isEmpty()) {
            scheduleSweep();
        }
    }
}
