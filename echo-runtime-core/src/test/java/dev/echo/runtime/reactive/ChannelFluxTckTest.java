package dev.echo.runtime.reactive;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/**
 * Reactive Streams TCK {@link PublisherVerification} of {@link ChannelFlux#consume}: each
 * publisher is a channel fed by a producer task of the runtime (which stops when the cancel
 * closes the channel), the way it is used.
 */
public class ChannelFluxTckTest extends EchoPublisherVerification {

    public ChannelFluxTckTest() {
        super("tckchanflux");
    }

    @Override
    public Publisher<Long> createPublisher(long elements) {
        Channel<Long> channel = Channel.buffered(4);
        runtime.spawn(() -> {
            try {
                for (long i = 0; i < elements; i++) {
                    channel.send(i);
                }
                channel.close();
            } catch (ChannelClosedException cancelledByTheSubscriber) {
                // the cancel closed the channel: the producer is done
            }
        });
        return ChannelFlux.consume(runtime, channel);
    }

    @Override
    public Publisher<Long> createFailedPublisher() {
        Channel<Long> channel = Channel.buffered(1);
        channel.close(new IllegalStateException("failed publisher (expected by the TCK)"));
        return ChannelFlux.consume(runtime, channel);
    }
}
