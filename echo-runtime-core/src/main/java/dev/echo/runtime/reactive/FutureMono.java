package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * Echo futures and tasks as Reactor {@link Mono}s.
 *
 * <ul>
 *   <li>{@link #spawn(EchoRuntime, Callable)} is cold, kotlinx's {@code mono {}}: every
 *       subscription spawns its own task, which runs the body with the subscriber's
 *       {@linkplain SubscriberContext Context}; a downstream cancel cancels that task.</li>
 *   <li>{@link #from(EchoFuture)} adapts a future that already exists (a task's, a promise's, a
 *       timer's). Every subscriber sees the same outcome. Whether a downstream cancel cancels the
 *       future is the caller's explicit choice, exactly as Reactor's
 *       {@code Mono.fromFuture(future, suppressCancel)}: {@code from(future)} cancels it (Reactor's
 *       default), {@code from(future, true)} leaves it alone — use that for a future others
 *       share.</li>
 * </ul>
 *
 * <table>
 *   <caption>What the subscriber sees</caption>
 *   <tr><th>Echo side</th><th>Reactor signal</th></tr>
 *   <tr><td>resolves with a value</td><td>{@code onNext(value)} once requested, then {@code onComplete()}</td></tr>
 *   <tr><td>resolves with null</td><td>{@code onComplete()} (an empty Mono, as {@code Mono.fromFuture})</td></tr>
 *   <tr><td>rejects with a failure (the body threw)</td><td>{@code onError(failure)}, the very exception, not wrapped</td></tr>
 *   <tr><td>cancelled by someone else</td><td>{@code onError(CancellationException)}</td></tr>
 *   <tr><td>downstream cancels, before or while the task runs</td><td>no signal; {@code spawn}:
 *       the task is cancelled (its next suspension point throws); {@code from}: the future is
 *       cancelled unless {@code suppressCancel}</td></tr>
 *   <tr><td>downstream cancelled, then the future rejects</td><td>{@link Operators#onErrorDropped}
 *       (never lost silently); a cancellation caused by the cancel itself is not an error</td></tr>
 *   <tr><td>cancel races completion</td><td>one of the two wins: the subscriber gets the value or
 *       nothing, never both a value and an error</td></tr>
 *   <tr><td>the runtime is closed at subscribe ({@code spawn})</td><td>{@code onError(RejectedExecutionException)}</td></tr>
 * </table>
 *
 * <p>Signals come where the future runs its completion callbacks ({@link EchoFuture#whenComplete}:
 * for a task, the task's own thread as it ends); {@code request(n <= 0)} from a plain Reactive Streams subscriber is answered with
 * {@code onError(IllegalArgumentException)} (rule 3.9) by Reactor's strict wrapper. A subscriber
 * that cancels is dropped by the future's callback at once; the callback itself (a few bytes)
 * stays registered until the future settles, as with {@code CompletableFuture}.
 */
public final class FutureMono {

    private FutureMono() {
    }

    /**
     * A cold Mono: each subscription spawns a task in {@code runtime} that runs {@code body}; its
     * value (null: empty) or failure is the Mono's. Blocking calls in the body park the task.
     *
     * @throws NullPointerException if {@code runtime} or {@code body} is null
     */
    public static <T> Mono<T> spawn(EchoRuntime runtime, Callable<? extends T> body) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(body, "body");
        return new SpawnMono<>(runtime, body);
    }

    /**
     * {@code future} as a Mono; a downstream cancel cancels the future (for a task's future: the
     * task), as Reactor's {@code Mono.fromFuture(future)} does.
     *
     * @throws NullPointerException if {@code future} is null
     */
    public static <T> Mono<T> from(EchoFuture<? extends T> future) {
        return from(future, false);
    }

    /**
     * {@code future} as a Mono; with {@code suppressCancel} a downstream cancel only stops this
     * subscriber's signals and leaves the future (and its other waiters) alone.
     *
     * @throws NullPointerException if {@code future} is null
     */
    public static <T> Mono<T> from(EchoFuture<? extends T> future, boolean suppressCancel) {
        Objects.requireNonNull(future, "future");
        return new FromFuture<>(future, suppressCancel);
    }

    /** The Mono of an existing task: {@code from(task.future())}, so a cancel cancels the task. */
    public static <T> Mono<T> from(Task<? extends T> task) {
        return from(Objects.requireNonNull(task, "task").future(), false);
    }

    // ## Publishers ##

    private static final class FromFuture<T> extends Mono<T> {
        private final EchoFuture<? extends T> future;
        private final boolean suppressCancel;

        FromFuture(EchoFuture<? extends T> future, boolean suppressCancel) {
            this.future = future;
            this.suppressCancel = suppressCancel;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            FutureSubscription<T> subscription = new FutureSubscription<>(actual, suppressCancel ? null : future);
            actual.onSubscribe(subscription);
            if (!subscription.isCancelled()) {
                subscription.listenTo(future);
            }
        }
    }

    private static final class SpawnMono<T> extends Mono<T> {
        private final EchoRuntime runtime;
        private final Callable<? extends T> body;

        SpawnMono(EchoRuntime runtime, Callable<? extends T> body) {
            this.runtime = runtime;
            this.body = body;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            SubscriberContext.Captured context = SubscriberContext.capture(actual.currentContext());
            FutureSubscription<T> subscription = new FutureSubscription<>(actual, null);
            actual.onSubscribe(subscription);
            if (subscription.isCancelled()) {
                return;
            }
            Task<T> task;
            try {
                task = runtime.spawn(() -> context.call(body));
            } catch (RejectedExecutionException closed) {
                subscription.fail(closed);
                return;
            }
            subscription.cancelOnCancel(task.future());
            subscription.listenTo(task.future());
        }
    }

    // ## The subscription ##

    /**
     * Reactor's MonoSubscriber does the request/value/cancel state machine (value held until
     * requested; complete-vs-cancel decided by one CAS). This adds what cancel does to the
     * Echo side, and the routing of a future's outcome.
     *
     * Invariant: toCancel is written at most once, before or after cancel(); whichever of
     * cancel() and cancelOnCancel() runs second sees the other's write (both volatile) and
     * cancels, so a cancel racing the spawn still cancels the task (at most twice: harmless).
     */
    private static final class FutureSubscription<T> extends Operators.MonoSubscriber<T, T> {
        private volatile EchoFuture<?> toCancel;

        FutureSubscription(CoreSubscriber<? super T> actual, EchoFuture<?> toCancel) {
            super(actual);
            this.toCancel = toCancel;
        }

        void cancelOnCancel(EchoFuture<?> future) {
            toCancel = future;
            if (isCancelled()) {
                future.cancel();
            }
        }

        void listenTo(EchoFuture<? extends T> future) {
            future.whenComplete(this::settle);
        }

        void fail(Throwable failure) {
            if (!isCancelled()) {
                actual.onError(failure);
            }
        }

        private void settle(T value, Throwable failure) {
            if (isCancelled()) {
                if (failure != null && !(failure instanceof CancellationException)) {
                    Operators.onErrorDropped(failure, actual.currentContext());
                }
                return;
            }
            if (failure != null) {
                actual.onError(failure);
            } else if (value == null) {
                actual.onComplete();
            } else {
                complete(value);
            }
        }

        @Override
        public void cancel() {
            super.cancel();
            EchoFuture<?> future = toCancel;
            if (future != null) {
                future.cancel();
            }
        }
    }
}
