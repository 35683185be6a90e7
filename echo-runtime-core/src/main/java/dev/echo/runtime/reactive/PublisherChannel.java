package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * A {@link Publisher} as a {@link Channel} Echo code receives from (kotlinx's
 * {@code Publisher.asFlow()} collected into a channel): {@link #open(EchoRuntime, Publisher, int)}.
 *
 * <p>A feeder task in the given runtime subscribes, sends what arrives into the channel (a send
 * that waits parks the feeder, never the publisher's thread: {@code onNext} only queues) and
 * requests more as the consumer drains. It requests at most {@code max(capacity, 1)} at a time
 * and keeps at most {@code capacity + 1} elements requested and not yet received: the channel's
 * buffer, plus one held in the feeder's parked send, which is how the feeder learns that the
 * consumer took something. For a rendezvous channel ({@code capacity == 0}) that is exactly one
 * element, handed from the publisher to the receiver.
 *
 * <table>
 *   <caption>Semantics</caption>
 *   <tr><th>Event</th><th>What happens</th></tr>
 *   <tr><td>{@code onNext(v)}</td><td>v is sent into the channel, in order</td></tr>
 *   <tr><td>{@code onComplete()}</td><td>once everything received is sent, the channel is closed:
 *       receivers drain it, then see it closed</td></tr>
 *   <tr><td>{@code onError(e)}</td><td>once everything received is sent, {@link Channel#close(Throwable)}:
 *       receivers drain, then get {@link ChannelClosedException} whose cause is e</td></tr>
 *   <tr><td>the consumer closes the channel</td><td>the subscription is cancelled (at once, even
 *       while nothing is in flight: the feeder listens with {@link Channel#invokeOnClose});
 *       elements requested but not yet sent are dropped — the publisher was told by the
 *       cancel</td></tr>
 *   <tr><td>the feeder task is cancelled (the runtime shuts down)</td><td>the subscription is
 *       cancelled and the channel closed with the {@link CancellationException}</td></tr>
 *   <tr><td>a second {@code onSubscribe}</td><td>that subscription is cancelled (rule 2.5)</td></tr>
 *   <tr><td>a null signal</td><td>{@link NullPointerException} thrown to the caller (rule 2.13)</td></tr>
 * </table>
 *
 * <p>Every {@code request} and {@code cancel} on the subscription comes from the feeder task,
 * so they are serial (rule 2.7) and never made from inside {@code onComplete}/{@code onError}
 * (rule 2.3).
 */
public final class PublisherChannel {

    private PublisherChannel() {
    }

    /**
     * A new channel of {@code capacity} fed from {@code publisher} by a task in {@code runtime};
     * the subscription is made before this returns (on the calling thread).
     *
     * @throws NullPointerException if {@code runtime} or {@code publisher} is null
     * @throws IllegalArgumentException if {@code capacity} is negative
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
     */
    public static <T> Channel<T> open(EchoRuntime runtime, Publisher<? extends T> publisher, int capacity) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(publisher, "publisher");
        Channel<T> channel = Channel.buffered(capacity);
        Feeder<T> feeder = new Feeder<>(channel);
        runtime.spawn(feeder);
        publisher.subscribe(feeder);
        return channel;
    }

    /**
     * The subscriber, and the body of the feeder task.
     *
     * Invariants:
     *   F1. Only the feeder task calls request, and cancel comes from the feeder as it finishes,
     *       or from onSubscribe if the subscription arrives after the feeder finished (finished
     *       and upstream are written before the other is read, both volatile: one of the two
     *       cancels, perhaps both, which rule 3.7 allows).
     *   F2. requested - sent counts elements requested and not yet sent (queued, or not arrived,
     *       or held in the parked send); with channel.size() it never exceeds capacity + 1, and
     *       it is at least 1 whenever the feeder waits for upstream (else it would wait forever:
     *       nothing requested, and a consumer that drains does not wake it).
     *   F3. The feeder parks only after publishing parked = true and re-checking every wake-up
     *       condition; onSubscribe/onNext/onError/onComplete and the close handler change their
     *       state first and then read parked (all volatile or queue CAS): no lost wake-up.
     *   F4. Completion is acted on only after the queue is empty: onNext happens-before
     *       onComplete (rule 1.3), and done is written after the last offer.
     */
    static final class Feeder<T> implements CoreSubscriber<T>, Runnable, WaitTarget {
        private final Channel<T> channel;
        private final long batch;
        private final Queue<T> queue = new ConcurrentLinkedQueue<>();
        private volatile Subscription upstream;
        /** Error before done: done's volatile write publishes it. */
        private Throwable error;
        private volatile boolean done;
        private volatile boolean consumerClosed;
        /** Set by the feeder just before it closes the channel itself (not the consumer's close). */
        private volatile boolean closingItself;
        private volatile boolean parked;
        /** Set once the feeder task stops feeding; later signals are dropped. */
        private volatile boolean finished;
        private volatile Thread thread;
        // Feeder-owned.
        private long requested;
        private long sent;

        Feeder(Channel<T> channel) {
            this.channel = channel;
            this.batch = Math.max(channel.capacity(), 1);
        }

        // ## Subscriber (the publisher's threads) ##

        @Override
        public void onSubscribe(Subscription s) {
            Objects.requireNonNull(s, "subscription");
            if (upstream != null) {
                s.cancel();
                return;
            }
            upstream = s;
            if (finished) {
                s.cancel();
            } else {
                wake();
            }
        }

        @Override
        public void onNext(T value) {
            Objects.requireNonNull(value, "value");
            if (finished) {
                return; // after the cancel (rule 2.8): nobody will send it
            }
            queue.offer(value);
            wake();
        }

        @Override
        public void onError(Throwable failure) {
            Objects.requireNonNull(failure, "failure");
            error = failure;
            done = true;
            wake();
        }

        @Override
        public void onComplete() {
            done = true;
            wake();
        }

        private void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        // ## The feeder task ##

        @Override
        public void run() {
            thread = Thread.currentThread();
            channel.invokeOnClose(cause -> {
                if (!closingItself) {
                    consumerClosed = true;
                    wake();
                }
            });
            try {
                feed();
            } catch (CancellationException shuttingDown) {
                finished = true;
                cancelUpstream();
                closeItself(shuttingDown);
            } finally {
                finished = true;
                queue.clear();
            }
        }

        private void feed() {
            while (true) {
                if (consumerClosed) {
                    finished = true;
                    cancelUpstream();
                    return;
                }
                Subscription s = upstream;
                if (s == null) {
                    park();
                    continue;
                }
                replenish(s);
                T value = queue.poll();
                if (value == null) {
                    if (done && queue.isEmpty()) {
                        closeItself(error);
                        return;
                    }
                    park();
                    continue;
                }
                try {
                    channel.send(value);
                } catch (ChannelClosedException closedByConsumer) {
                    consumerClosed = true;
                    continue;
                }
                sent++;
            }
        }

        /** Requests what keeps F2; in batches, so a fast consumer costs few request calls. */
        private void replenish(Subscription s) {
            if (done) {
                return;
            }
            long inFlight = requested - sent;
            long credit = channel.capacity() + 1L - inFlight - channel.size();
            if (credit <= 0 || (inFlight > 0 && credit < (batch + 1) / 2)) {
                return;
            }
            long n = Math.min(credit, batch);
            requested += n;
            s.request(n);
        }

        private void park() {
            parked = true;
            try {
                if (!consumerClosed && (upstream == null || (queue.isEmpty() && !done))) {
                    Parking.park(this, Parking.NO_DEADLINE);
                }
            } finally {
                parked = false;
            }
        }

        private void cancelUpstream() {
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }

        private void closeItself(Throwable cause) {
            closingItself = true;
            ChannelFlux.closeQuietly(channel, cause);
        }

        @Override
        public boolean wakeableFromOutside() {
            return true;
        }

        @Override
        public String describeWait() {
            return "publisher feeding " + channel;
        }
    }
}
