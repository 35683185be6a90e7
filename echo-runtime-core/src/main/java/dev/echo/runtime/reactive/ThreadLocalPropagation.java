package dev.echo.runtime.reactive;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.Callable;
import reactor.util.context.ContextView;

/**
 * The only class that refers to {@code io.micrometer:context-propagation}; loaded only when
 * {@link SubscriberContext} has found it on the class path.
 */
final class ThreadLocalPropagation {

    /**
     * The global registry (where Reactor registers its Context accessor and applications their
     * ThreadLocal accessors). clearMissing(false): a ThreadLocal the snapshot has no value for
     * keeps what the task's thread has (nothing, for a fresh task).
     */
    private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

    private ThreadLocalPropagation() {
    }

    /** The subscribing thread's ThreadLocal values, overridden by those in {@code context}. */
    static Object capture(ContextView context) {
        return FACTORY.captureAll(context);
    }

    static <T> T call(Object snapshot, Callable<T> body) throws Exception {
        try (ContextSnapshot.Scope restored = ((ContextSnapshot) snapshot).setThreadLocals()) {
            return body.call();
        }
    }
}
