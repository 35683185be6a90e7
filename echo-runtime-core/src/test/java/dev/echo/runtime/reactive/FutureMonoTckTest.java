package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK {@link PublisherVerification} of {@link FutureMono#spawn}: at most one
 * element, so the TCK skips the rules that need more (it says which, by name).
 */
public class FutureMonoTckTest extends PublisherVerification<Long> {

    private final EchoRuntime runtime = ReactiveTests.runtime(2, "tckmono");

    public FutureMonoTckTest() {
        super(new TestEnvironment(TckSettings.TIMEOUT_MILLIS, TckSettings.NO_SIGNAL_MILLIS), TckSettings.GC_MILLIS);
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        runtime.close();
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
