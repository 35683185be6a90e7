package dev.echo.runtime.chan;

import dev.echo.runtime.EchoFuture;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * How {@link Select#onAwait} waits on a future with Select's channel machinery: one channel
 * per pending future, never sent to, closed when the future settles. A closed channel makes
 * every receive-or-closed case on it ready, so any number of selects (one after another in a
 * loop, or at once) see the settle, and a select that picks another case unlinks its node as
 * from any channel: nothing accumulates on a long-pending future however often it is selected
 * (one whenComplete per future, not per select). Keys are weak: an abandoned pending future
 * is collectable.
 */
final class FutureSignal {

    private static final Map<EchoFuture<?>, Channel<Void>> PENDING = Collections.synchronizedMap(new WeakHashMap<>());

    private FutureSignal() {
    }

    /** The channel that is closed once {@code future} settles (already closed if it has). */
    static Channel<Void> of(EchoFuture<?> future) {
        if (future.isDone()) {
            Channel<Void> settled = Channel.unbuffered();
            settled.close();
            return settled;
        }
        Channel<Void> signal = PENDING.get(future);
        if (signal != null) {
            return signal;
        }
        Channel<Void> fresh = Channel.unbuffered();
        signal = PENDING.putIfAbsent(future, fresh);
        if (signal != null) {
            return signal;
        }
        // Outside the map's lock: if the future settled meanwhile this runs at once.
        future.whenComplete((value, failure) -> {
            fresh.close();
            PENDING.remove(future, fresh);
        });
        return fresh;
    }
}
