/**
 * Channels and select with Go's semantics: {@link dev.echo.runtime.chan.Channel},
 * {@link dev.echo.runtime.chan.Select}, {@link dev.echo.runtime.chan.Received} and
 * {@link dev.echo.runtime.chan.ChannelClosedException} are the API; the rest is package-private.
 *
 * <p>Conventions inside the package: a method whose name ends in {@code Locked} must be called
 * with that channel's lock held; every other method takes the locks it needs. A field updated
 * by CAS is accessed through a VarHandle named after it in upper case ({@code STATE} for
 * {@code state}), declared in a {@code // VarHandle mechanics} block at the end of the class;
 * plain volatile reads and writes of such a field use Java's volatile field access. Nothing in
 * this package parks except {@code Waiter.await}, through {@link dev.echo.runtime.Parking}
 * (a channel's lock may make a contender wait for one critical section; see
 * {@code Channel}'s implementation overview).
 */
package dev.echo.runtime.chan;
