package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A producer task as a cold {@link Flux}, kotlinx's {@code flux {}}:
 * {@link #produce(EchoRuntime, Producer)}. Each subscription gets a fresh unbuffered
 * {@link Channel}, a producer task that runs the body with it, and a {@link ChannelFlux} drain
 * that receives only on demand. Because the channel has no buffer, a {@code send} completes only
 * when the drain takes the value, and the drain takes one only for outstanding demand: after
 * {@code request(n)} exactly n sends complete (with no demand, {@code send} parks the producer).
 * The body is free to use the channel as any other: in a {@link dev.echo.runtime.chan.Select},
 * with timeouts.
 *
 * <table>
 *   <caption>Semantics</caption>
 *   <tr><th>Producer does</th><th>Subscriber sees</th></tr>
 *   <tr><td>{@code channel.send(v)}</td><td>{@code onNext(v)}; the send returns once v is taken</td></tr>
 *   <tr><td>returns</td><td>{@code onComplete()} (the bridge closes the channel)</td></tr>
 *   <tr><td>closes the channel itself</td><td>{@code onComplete()}, or {@code onError(cause)} for
 *       {@link Channel#close(Throwable)}</td></tr>
 *   <tr><td>throws</td><td>{@code onError(failure)}, the very exception</td></tr>
 *   <tr><td colspan="2">Downstream cancels: the channel is closed (a parked {@code send} throws
 *       {@link ChannelClosedException}) and the producer task is cancelled (its next suspension
 *       point throws {@link CancellationException}). A failure the producer throws after that is
 *       not its own cancellation goes to {@link Operators#onErrorDropped}. Its Reactor Context is
 *       the subscriber's ({@link SubscriberContext}).</td></tr>
 * </table>
 *
 * @param <T> the element type
 */
public final class ProducerFlux<T> extends Flux<T> {

    /** The producer's body: sends into {@code channel}; may park, may throw. */
    @FunctionalInterface
    public interface Producer<T> {
        void produce(Channel<T> channel) throws Exception;
    }

    private final EchoRuntime runtime;
    private final Producer<T> producer;

    private ProducerFlux(EchoRuntime runtime, Producer<T> producer) {
        this.runtime = runtime;
        this.producer = producer;
    }

    /**
     * A cold Flux whose every subscription runs {@code producer} in a task of {@code runtime}.
     *
     * @throws NullPointerException if {@code runtime} or {@code producer} is null
     */
    public static <T> Flux<T> produce(EchoRuntime runtime, Producer<T> producer) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(producer, "producer");
        return onAssembly(new ProducerFlux<>(runtime, producer));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        SubscriberContext.Captured context = SubscriberContext.capture(actual.currentContext());
        Channel<T> channel = Channel.unbuffered();
        Run<T> run = new Run<>(producer, channel, context, actual);
        Task<Void> task;
        try {
            task = runtime.spawn(run);
        } catch (RejectedExecutionException closed) {
            Operators.error(actual, closed);
            return;
        }
        // Downstream cancel: the drain closes the channel, and the producer stops too.
        ChannelFlux.start(runtime, new ChannelFlux.Drain<>(actual, channel, task::cancel));
    }

    /** The producer task's body. */
    private static final class Run<T> implements Runnable {
        private final Producer<T> producer;
        private final Channel<T> channel;
        private final SubscriberContext.Captured context;
        private final CoreSubscriber<?> actual;
        Run(Producer<T> producer, Channel<T> channel, SubscriberContext.Captured context, CoreSubscriber<?> actual) {
            this.producer = producer;
            this.channel = channel;
            this.context = context;
            this.actual = actual;
        }

        @Override
        public void run() {
            Throwable failure = null;
            try {
                context.call(() -> {
                    producer.produce(channel);
                    return null;
                });
            } catch (Throwable thrown) {
                failure = thrown;
            }
            if (!channel.isClosed()) {
                ChannelFlux.closeQuietly(channel, failure);
            } else if (failure != null && !isCancellation(failure)) {
                // Closed already (by the cancel, or by the body before it threw): the subscriber
                // has its signal; the failure must not vanish.
                Operators.onErrorDropped(failure, actual.currentContext());
            }
        }

        private static boolean isCancellation(Throwable failure) {
            return failure instanceof ChannelClosedException || failure instanceof CancellationException
                    || failure instanceof InterruptedException;
        }
    }
}
