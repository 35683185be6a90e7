/**
 * Blocking-style TCP for Echo tasks, over the runtime's Reactor (Netty, see
 * {@link dev.echo.runtime.Transport}): {@link dev.echo.runtime.net.TcpListener} listens and
 * accepts, {@link dev.echo.runtime.net.TcpConnection} connects, reads, writes, half-closes and
 * closes. Every call that has to wait parks only the calling task (through
 * {@link dev.echo.runtime.Parking}) and is woken from the event loop; on a plain thread it blocks
 * that thread.
 *
 * <p>Conventions inside the package: Netty handler methods run on the runtime's event loop and
 * never block; a method whose name ends in {@code Locked} must be called with that object's
 * {@code lock} held. Nothing here parks except through {@code IoWait}. Buffers: every
 * {@code ByteBuf} this package receives or allocates is released exactly once - by the reader
 * that drains it, by close, or by Netty once written.
 */
package dev.echo.runtime.net;
