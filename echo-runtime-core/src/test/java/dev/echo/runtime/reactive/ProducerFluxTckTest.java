package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/** Reactive Streams TCK {@link PublisherVerification} of {@link ProducerFlux#produce}. */
public class ProducerFluxTckTest extends PublisherVerification<Long> {

    private final EchoRuntime runtime = ReactiveTests.runtime(2, "tckproducer");

    public ProducerFluxTckTest() {
        super(new TestEnvironment(TckSettings.TIMEOUT_MILLIS, TckSettings.NO_SIGNAL_MILLIS), TckSettings.GC_MILLIS);
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        runtime.close();
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
