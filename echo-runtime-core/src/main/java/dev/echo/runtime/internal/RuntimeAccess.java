package dev.echo.runtime.internal;

/**
 * The runtime's package-private machinery, reached from Echo's other packages ({@code spi},
 * {@code chan}) without making it API: {@code dev.echo.runtime} installs the one implementation
 * when its parking class initialises, and this package is not exported by the module
 * (on the class path it is public only by necessity — not for applications; it changes without
 * notice). The JDK reaches across its own packages the same way (its "shared secrets").
 */
public interface RuntimeAccess {

    /** {@link dev.echo.runtime.spi.Parking#park(Object, long)}, for the current task or plain thread. */
    boolean park(Object blocker, long deadlineNanos);

    /** {@link dev.echo.runtime.spi.Parking#deadlineAfter(java.time.Duration)}. */
    long deadlineAfter(java.time.Duration timeout);

    /** {@link dev.echo.runtime.spi.Parking#checkCancelled()}. */
    void checkCancelled();

    /** Counts channel messages on the caller's processor (the domain-event counters); called under a channel's lock. */
    void countChannelMessages(int sent, int received);

    /** The one implementation, installed by {@code dev.echo.runtime} (initialised on first use). */
    static RuntimeAccess get() {
        return Loaded.INSTANCE;
    }

    /**
     * Called once by {@code dev.echo.runtime} while it initialises.
     *
     * @throws IllegalStateException if an implementation is already installed
     */
    static void install(RuntimeAccess access) {
        Installed.set(access);
    }
}
