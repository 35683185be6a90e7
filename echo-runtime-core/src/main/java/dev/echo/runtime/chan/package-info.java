/**
 * Channels and select with Go's semantics: {@link dev.echo.runtime.chan.Channel},
 * {@link dev.echo.runtime.chan.Select}, {@link dev.echo.runtime.chan.Received} and
 * {@link dev.echo.runtime.chan.ChannelClosedException} are the API; the rest is package-private.
 *
 * <p>Conventions inside the package: a method whose name ends in {@code Locked} must be called
 * with the channel's lock held; every other method takes the locks it needs. Shared fields are
 * accessed through VarHandles named after the field in upper case ({@code LOCK} for
 * {@code lock}), declared in a {@code // VarHandle mechanics} block at the end of the class, with
 * plain Java volatile reads and writes where the access mode is plain volatile. Nothing in this
 * package parks except {@code Waiter.await}, through {@link dev.echo.runtime.Parking}.
 */
package dev.echo.runtime.chan;
