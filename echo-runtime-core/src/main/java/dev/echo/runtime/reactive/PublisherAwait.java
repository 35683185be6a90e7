package dev.echo.runtime.reactive;

import dev.echo.runtime.Promise;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Waiting for a {@code Mono} (or any single-value {@link Publisher}) from Echo code: kotlinx's
 * {@code awaitSingle} / {@code awaitSingleOrNull}. Inside a task the wait parks the task (its
 * carrier runs other tasks); on a plain thread it blocks that thread, as {@code EchoFuture.await}
 * does.
 *
 * <table>
 *   <caption>Semantics</caption>
 *   <tr><th>Publisher does</th><th>{@link #awaitSingle}</th><th>{@link #awaitSingleOrNull}</th></tr>
 *   <tr><td>one value, then completes</td><td>returns it</td><td>returns it</td></tr>
 *   <tr><td>completes empty</td><td>{@link NoSuchElementException}</td><td>returns null</td></tr>
 *   <tr><td>fails</td><td colspan="2">rethrows the failure if unchecked, else wrapped in
 *       {@link java.util.concurrent.CompletionException}</td></tr>
 *   <tr><td>a second value</td><td colspan="2">cancels the subscription, {@link IllegalArgumentException}</td></tr>
 *   <tr><td>the waiting task is cancelled</td><td colspan="2">cancels the subscription, then
 *       {@link CancellationException}</td></tr>
 * </table>
 *
 * <p>The subscription requests {@code Long.MAX_VALUE} and resumes the waiter only on the
 * terminal signal (as kotlinx does, to avoid racing the emitter). Its Reactor Context is the
 * waiting task's {@link SubscriberContext#current()}, so a Mono awaited in a task that serves a
 * subscription sees that subscription's Context.
 */
public final class PublisherAwait {

    private PublisherAwait() {
    }

    /**
     * The one value of {@code publisher}.
     *
     * @throws NoSuchElementException if it completes empty
     * @throws NullPointerException if {@code publisher} is null
     */
    public static <T> T awaitSingle(Publisher<T> publisher) {
        T value = awaitSingleOrNull(publisher);
        if (value == null) {
            throw new NoSuchElementException("expected one value from " + publisher + ", it completed empty");
        }
        return value;
    }

    /**
     * The one value of {@code publisher}, or null if it completes empty.
     *
     * @throws NullPointerException if {@code publisher} is null
     */
    public static <T> T awaitSingleOrNull(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        SingleSubscriber<T> subscriber = new SingleSubscriber<>(Context.of(SubscriberContext.current()));
        publisher.subscribe(subscriber);
        try {
            return subscriber.result.future().await();
        } catch (CancellationException cancelled) {
            subscriber.cancel();
            throw cancelled;
        }
    }

    /**
     * Collects at most one value; the promise settles on the terminal signal. Rule 2.5: a second
     * onSubscribe is cancelled; rule 2.13: nulls are rejected.
     */
    private static final class SingleSubscriber<T> implements CoreSubscriber<T> {
        private static final Subscription CANCELLED = Operators.emptySubscription();

        final Promise<T> result = new Promise<>();
        private final Context context;
        private final AtomicReference<Subscription> upstream = new AtomicReference<>();
        private T value;
        private boolean done;

        SingleSubscriber(Context context) {
            this.context = context;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "subscription");
            if (upstream.compareAndSet(null, s)) {
                s.request(Long.MAX_VALUE);
            } else {
                s.cancel();
            }
        }

        @Override
        public void onNext(T next) {
            Objects.requireNonNull(next, "value");
            if (done) {
                Operators.onNextDropped(next, context);
                return;
            }
            if (value != null) {
                done = true;
                cancel();
                result.reject(new IllegalArgumentException("expected one value, got a second: " + next));
                return;
            }
            value = next;
        }

        @Override
        public void onError(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            if (done) {
                Operators.onErrorDropped(failure, context);
                return;
            }
            done = true;
            result.reject(failure);
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                result.resolve(value);
            }
        }

        void cancel() {
            Subscription s = upstream.getAndSet(CANCELLED);
            if (s != null && s != CANCELLED) {
                s.cancel();
            }
        }
    }
}
