package dev.echo.runtime.reactive;

import java.util.concurrent.Callable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The Reactor {@link ContextView} of the subscriber an Echo task works for, seen from inside
 * that task: the task {@link FutureMono#spawn} runs per subscription, the producer of
 * {@link ProducerFlux}, a task of {@link EchoScheduler}. {@link PublisherAwait} subscribes with
 * it, so a {@code Mono} awaited inside such a task sees the same Context as the task's own
 * subscriber (kotlinx's {@code ReactorContext}).
 *
 * <p>With {@code io.micrometer:context-propagation} on the class path, the ThreadLocal values of
 * every registered {@code ThreadLocalAccessor} (trace ids, MDC, security context) are captured
 * when the subscription is made, from the subscribing thread and from the Reactor Context
 * ({@code captureAll}), and set in the task before its body starts. They stay set on every
 * resume: an Echo task is a virtual thread, and a ThreadLocal belongs to the (virtual) thread,
 * not to the carrier, so a park that resumes on another processor finds them where they were.
 * (kotlinx needs a {@code ThreadContextElement} to restore them on every resume because a
 * coroutine is not a thread; this is where a task being a thread pays off.) When the body ends,
 * the previous values are restored (the snapshot's scope is closed).
 */
public final class SubscriberContext {

    /** Bound for the duration of a bridged task's body; a child task does not inherit it. */
    static final ScopedValue<ContextView> CURRENT = ScopedValue.newInstance();

    /** Whether context-propagation is on the class path; checked once. */
    private static final boolean PROPAGATION = isPresent("io.micrometer.context.ContextSnapshotFactory");

    private SubscriberContext() {
    }

    /** The Context of the subscriber the current task works for; empty outside such a task. */
    public static ContextView current() {
        return CURRENT.isBound() ? CURRENT.get() : Context.empty();
    }

    /** True if ThreadLocal values are captured and restored (context-propagation is present). */
    public static boolean propagatesThreadLocals() {
        return PROPAGATION;
    }

    /**
     * What a task spawned for a subscriber must see, captured now on the subscribing thread:
     * the subscriber's Context and, with context-propagation, a snapshot of ThreadLocals.
     */
    static Captured capture(ContextView context) {
        return new Captured(context, PROPAGATION ? ThreadLocalPropagation.capture(context) : null);
    }

    /** A captured subscriber context; {@link #call} runs a body inside it. */
    record Captured(ContextView context, Object threadLocals) {

        <T> T call(Callable<T> body) throws Exception {
            return ScopedValue.where(CURRENT, context).call(() -> threadLocals == null
                    ? body.call() : ThreadLocalPropagation.call(threadLocals, body));
        }
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, SubscriberContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
