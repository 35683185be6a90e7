package dev.echo.runtime.reactive;

import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/** Reactive Streams TCK {@link PublisherVerification} of {@link ProducerFlux#produce}. */
public class ProducerFluxTckTest extends EchoPublisherVerification {

    public ProducerFluxTckTest() {
        super("tckproducer");
    }

    @Override
    public Publisher<Long> createPublisher(long elements) {
        return ProducerFlux.produce(runtime, channel -> {
            for (long i = 0; i < elements; i++) {
                channel.send(i);
            }
        });
    }

    @Override
    public Publisher<Long> createFailedPublisher() {
        return ProducerFlux.produce(runtime, channel -> {
            throw new IllegalStateException("failed publisher (expected by the TCK)");
        });
    }
}
