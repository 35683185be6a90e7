package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A {@link Channel} as a Reactor {@link Flux} that consumes it (kotlinx's
 * {@code consumeAsFlow().asFlux()}): {@link #consume(EchoRuntime, Channel)}.
 *
 * <p>Each subscription is served by one drain task in the given runtime. It receives from the
 * channel only while the subscriber has unmet demand, so {@code request(n)} lets at most
 * {@code n} values out of the channel; with no demand it parks (through {@link Parking}) and
 * takes nothing, and producers feel the backpressure as a full buffer (or, unbuffered, a send
 * that waits). Every signal, {@code onSubscribe} included, comes from that task, one at a time.
 *
 * <table>
 *   <caption>Semantics</caption>
 *   <tr><th>Event</th><th>What happens</th></tr>
 *   <tr><td>{@code request(n)}, n &gt; 0</td><td>at most n receives, each followed by {@code onNext};
 *       {@code Long.MAX_VALUE} means unbounded</td></tr>
 *   <tr><td>no outstanding demand</td><td>nothing is received; the drain task parks</td></tr>
 *   <tr><td>{@code request(n)}, n &lt;= 0</td><td>{@code onError(IllegalArgumentException)} naming n
 *       (rule 3.9), and the channel is closed as on cancel</td></tr>
 *   <tr><td>channel closed ({@link Channel#close()}) and drained</td><td>{@code onComplete()}, also
 *       without outstanding demand</td></tr>
 *   <tr><td>channel closed with a failure ({@link Channel#close(Throwable)})</td><td>buffered values
 *       first, then {@code onError(cause)} with the very failure</td></tr>
 *   <tr><td>downstream cancels</td><td>no more receives; the channel is closed (consume semantics: its
 *       parked senders throw {@link ChannelClosedException}); values still buffered stay in the
 *       closed channel</td></tr>
 *   <tr><td>a value was already received when the cancel came</td><td>it goes to Reactor's discard
 *       hook ({@code doOnDiscard}) of the subscriber, the undelivered-element hook; never dropped
 *       unseen</td></tr>
 *   <tr><td>a second subscriber to the same Flux</td><td>{@code onError(IllegalStateException)}: the
 *       Flux is single-subscriber, as a consumed channel is</td></tr>
 *   <tr><td>the runtime is closed at subscribe</td><td>{@code onError(RejectedExecutionException)}</td></tr>
 *   <tr><td>the drain task is cancelled (the runtime shuts down)</td><td>{@code onError(CancellationException)}</td></tr>
 * </table>
 *
 * <p>Two {@code consume} calls on one channel give two Fluxes that share its values out, as two
 * receivers would.
 *
 * @param <T> the channel's element type
 */
public final class ChannelFlux<T> extends Flux<T> {

    private final EchoRuntime runtime;
    private final Channel<T> channel;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    private ChannelFlux(EchoRuntime runtime, Channel<T> channel) {
        this.runtime = runtime;
        this.channel = channel;
    }

    /**
     * A Flux of the values received from {@code channel}, drained by a task in {@code runtime}
     * (see the class comment); cancelling it closes the channel.
     *
     * @throws NullPointerException if {@code runtime} or {@code channel} is null
     */
    public static <T> Flux<T> consume(EchoRuntime runtime, Channel<T> channel) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(channel, "channel");
        return onAssembly(new ChannelFlux<>(runtime, channel));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        if (!subscribed.compareAndSet(false, true)) {
            Operators.error(actual, new IllegalStateException("the Flux of " + channel
                    + " allows one subscriber (it consumes the channel); it already has one"));
            return;
        }
        start(runtime, new Drain<>(actual, channel, null));
    }

    /** Spawns the drain task; a closed runtime is an error signal, not an exception. */
    static <T> void start(EchoRuntime runtime, Drain<T> drain) {
        try {
            runtime.spawn(drain);
        } catch (RejectedExecutionException closed) {
            Operators.error(drain.actual, closed);
        }
    }

    static void closeQuietly(Channel<?> channel, Throwable cause) {
        try {
            if (cause == null) {
                channel.close();
            } else {
                channel.close(cause);
            }
        } catch (IllegalStateException alreadyClosed) {
            // Closed by the other side first: the close that counts has happened.
        }
    }

    /**
     * One subscription, and the body of its drain task.
     *
     * Invariants:
     *   D1. Only the drain task signals the subscriber, so signals are serial (rule 1.3) and
     *       onSubscribe comes first (1.9).
     *   D2. The task receives only when requested > emitted (emitted is task-owned), so the
     *       values taken from the channel never exceed the demand.
     *   D3. The task parks for demand only after publishing parkedForDemand = true and then
     *       re-checking demand, cancellation and the channel's close; request(), cancel() and
     *       the channel's close handler write their state first and then read parkedForDemand.
     *       All these are volatile, so at least one side sees the other: no lost wake-up.
     *   D4. After cancelled is set, the task neither receives again nor signals; a value it had
     *       already received goes to the discard hook.
     */
    static final class Drain<T> implements Subscription, WaitTarget, Runnable {
        final CoreSubscriber<? super T> actual;
        private final Channel<T> channel;
        /** Total demand, capped at Long.MAX_VALUE; written by any thread through REQUESTED. */
        private volatile long requested;
        /** The first request(n <= 0) amount; valid once badRequestSeen. */
        private volatile long badRequest;
        private volatile boolean badRequestSeen;
        private volatile boolean cancelled;
        /** True while the task is (about to be) parked waiting for demand; task writes. */
        private volatile boolean parkedForDemand;
        /** The drain task's thread; set before onSubscribe, so before any request. */
        private volatile Thread thread;
        /** Run once by the cancel after it closed the channel (ProducerFlux stops its producer); may be null. */
        private final Runnable onCancel;

        Drain(CoreSubscriber<? super T> actual, Channel<T> channel, Runnable onCancel) {
            this.actual = actual;
            this.channel = channel;
            this.onCancel = onCancel;
        }

        // ## Subscription (any thread) ##

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = n;
                badRequestSeen = true;
            } else {
                Operators.addCap(REQUESTED, this, n);
            }
            wakeIfParkedForDemand();
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            closeQuietly(channel, null);
            wakeIfParkedForDemand();
            if (onCancel != null) {
                onCancel.run();
            }
        }

        private void wakeIfParkedForDemand() {
            if (parkedForDemand) {
                LockSupport.unpark(thread);
            }
        }

        // ## The drain task ##

        @Override
        public void run() {
            thread = Thread.currentThread();
            channel.invokeOnClose(cause -> wakeIfParkedForDemand());
            try {
                actual.onSubscribe(this);
            } catch (Throwable subscriberFailure) {
                // Rule 2.13 forbids it; treat the subscription as cancelled, and say so.
                cancel();
                Operators.onErrorDropped(subscriberFailure, actual.currentContext());
                return;
            }
            try {
                drain();
            } catch (CancellationException runtimeShuttingDown) {
                if (!cancelled) {
                    cancelled = true;
                    actual.onError(runtimeShuttingDown);
                }
            }
        }

        private void drain() {
            long emitted = 0;
            while (!cancelled) {
                if (badRequestSeen) {
                    cancel();
                    actual.onError(new IllegalArgumentException(
                            "§3.9 violated: request amount must be positive, got " + badRequest));
                    return;
                }
                if (requested == emitted) {
                    if (closedAndDrained()) {
                        terminate(channel.closeCause());
                        return;
                    }
                    parkForDemand(emitted);
                    continue;
                }
                T value;
                try {
                    value = channel.receive();
                } catch (ChannelClosedException closed) {
                    terminate(closed.getCause());
                    return;
                }
                if (cancelled) {
                    Operators.onDiscard(value, actual.currentContext());
                    return;
                }
                try {
                    actual.onNext(value);
                } catch (Throwable subscriberFailure) {
                    cancel();
                    Operators.onErrorDropped(subscriberFailure, actual.currentContext());
                    return;
                }
                emitted++;
            }
        }

        private void parkForDemand(long emitted) {
            parkedForDemand = true;
            try {
                if (requested == emitted && !cancelled && !badRequestSeen && !closedAndDrained()) {
                    Parking.park(this, Parking.NO_DEADLINE);
                }
            } finally {
                parkedForDemand = false;
            }
        }

        /** Closed implies no parked senders (Channel invariant I4), so empty means drained. */
        private boolean closedAndDrained() {
            return channel.isClosed() && channel.size() == 0;
        }

        private void terminate(Throwable cause) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (cause == null) {
                actual.onComplete();
            } else {
                actual.onError(cause);
            }
        }

        @Override
        public boolean wakeableFromOutside() {
            return true;
        }

        @Override
        public String describeWait() {
            return "demand of the subscriber to " + channel;
        }

        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Drain> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Drain.class, "requested");
    }
}
