package dev.echo.spring.autoconfigure;

import dev.echo.runtime.EchoRuntime;

import org.springframework.context.SmartLifecycle;

/**
 * Closes the application's {@link EchoRuntime} when the context stops, after the web server:
 * its phase is below Boot's web-server start/stop phase (which is below graceful shutdown), and
 * a lower phase stops later. So with {@code server.shutdown=graceful} in-flight requests finish
 * first (their tasks with them), the server closes its channels, and only then does the runtime
 * reject new tasks, give the rest its shutdown timeout, cancel what is left and join its threads.
 * It also starts first, before the server accepts a request.
 *
 * <p>A closed runtime cannot start again, so this bean is not pauseable, and starting it after a
 * stop fails.
 */
final class EchoRuntimeLifecycle implements SmartLifecycle {

    /**
     * One step below {@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE}
     * ({@code Integer.MAX_VALUE - 2048}, the web server's stop), written out because the web
     * server module is optional.
     */
    static final int PHASE = Integer.MAX_VALUE - 2048 - 1024;

    private final EchoRuntime runtime;

    private volatile boolean running;

    EchoRuntimeLifecycle(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void start() {
        if (this.runtime.isClosed()) {
            throw new IllegalStateException(this.runtime + " was closed when its context stopped; a closed runtime cannot start again");
        }
        this.running = true;
    }

    @Override
    public void stop() {
        this.running = false;
        this.runtime.close();
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
