/**
 * Echo Runtime: a GMP work-stealing scheduler for virtual-thread tasks, futures, channels and
 * select, a Reactor on Netty's native transports, and bridges to Project Reactor.
 *
 * <p>Exports the API ({@code dev.echo.runtime}, {@code .chan}, {@code .net}, {@code .sync},
 * {@code .reactive}) and the integrators' SPI ({@code .spi}); {@code dev.echo.runtime.internal}
 * stays inside. On the module path, Echo's scheduler hook needs
 * {@code --add-opens java.base/java.lang=dev.echo.runtime} (on the class path:
 * {@code =ALL-UNNAMED}), and a native transport's modules must be in the graph
 * ({@code --add-modules ALL-MODULE-PATH}, or the transport's classes and native modules by name).
 */
module dev.echo.runtime {
    requires io.netty.common;
    requires io.netty.buffer;
    requires io.netty.transport;
    // The native transports are loaded by name (Transport), so none is required: put the one
    // to use in the module graph (--add-modules), or Transport.AUTO falls back to NIO.
    // dev.echo.runtime.reactive and the Reactor Context bridge: optional, as in the POM.
    requires static reactor.core;
    requires static org.reactivestreams;
    requires static context.propagation;

    exports dev.echo.runtime;
    exports dev.echo.runtime.chan;
    exports dev.echo.runtime.net;
    exports dev.echo.runtime.sync;
    exports dev.echo.runtime.reactive;
    exports dev.echo.runtime.spi;
}
