package dev.echo.runtime.reactive;

import dev.echo.runtime.EchoRuntime;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.annotations.AfterClass;

/** A TCK publisher suite of one of Echo's publishers: its runtime, its timeouts, its close. */
public abstract class EchoPublisherVerification extends PublisherVerification<Long> {

    protected final EchoRuntime runtime;

    protected EchoPublisherVerification(String label) {
        super(new TestEnvironment(TckSettings.TIMEOUT_MILLIS, TckSettings.NO_SIGNAL_MILLIS), TckSettings.GC_MILLIS);
        this.runtime = ReactiveTests.runtime(2, label);
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntime() {
        runtime.close();
    }
}
