package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoFuture;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;

/**
 * Reactive Streams TCK {@link PublisherVerification} of {@link FutureMono#spawn}: at most one
 * element, so the TCK skips the rules that need more (it says which, by name).
 */
public class FutureMonoTckTest extends EchoPublisherVerification {

    public FutureMonoTckTest() {
        super("tckmono");
    }

    @Override
    public Publisher<Long> createPublisher(long elements) {
        return FutureMono.spawn(runtime, () -> elements == 0 ? null : 42L);
    }

    @Override
    public Publisher<Long> createFailedPublisher() {
        return FutureMono.from(EchoFuture.rejected(new IllegalStateException("failed publisher (expected by the TCK)")));
    }

    @Override
    public long maxElementsFromPublisher() {
        return 1;
    }
}
