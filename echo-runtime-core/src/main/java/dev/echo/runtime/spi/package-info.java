/**
 * The extension point for integrators who build their own blocking primitives on Echo (Echo's
 * channels, TCP, locks and reactive bridges are built on it): {@link dev.echo.runtime.spi.Parking}
 * parks the current task (or plain thread) with Echo's timers, cancellation and scope deadlines,
 * and a {@link dev.echo.runtime.spi.WaitTarget} tells deadlock detection and the task dump what
 * a parked task waits on. Not needed by applications: they use {@code EchoFuture},
 * {@code Channel}, {@code Select} and {@code dev.echo.runtime.sync}.
 *
 * <p>The waiting loop is always: register a {@link dev.echo.runtime.Waker} with whatever will
 * wake the caller, re-check the condition, park; after a park returns (returns may be
 * spurious), re-check, and remove the registration when giving up.
 */
package dev.echo.runtime.spi;
