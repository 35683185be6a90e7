package dev.echo.spring.autoconfigure;

import dev.echo.runtime.Transport;

/**
 * {@code echo.runtime.transport} names a transport that cannot load on this machine. Reported
 * by {@link TransportUnavailableFailureAnalyzer}.
 */
final class TransportUnavailableException extends IllegalStateException {

    private final Transport transport;

    TransportUnavailableException(Transport transport, Throwable cause) {
        super("echo.runtime.transport=" + transport.displayName() + " cannot load here: " + cause, cause);
        this.transport = transport;
    }

    Transport transport() {
        return this.transport;
    }
}
