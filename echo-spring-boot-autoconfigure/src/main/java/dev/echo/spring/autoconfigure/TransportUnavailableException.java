package dev.echo.spring.autoconfigure;

import dev.echo.runtime.Transport;

/**
 * {@code echo.runtime.transport} names a transport that cannot load on this machine. Reported
 * by {@link TransportUnavailableFailureAnalyzer}.
 */
final class TransportUnavailableException extends IllegalStateException {

    private final Transport transport;

    TransportUnavailableException(Transport transport, Throwable cause) {
        super("echo.runtime.transport=" + transport.displayName() + " cannot load here: " + describe(cause), cause);
        this.transport = transport;
    }

    /** The cause and its causes on one line: Netty's reasons are often nested (an ExceptionInInitializerError around the real one). */
    static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 600; t = (t.getCause() != t) ? t.getCause() : null) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    Transport transport() {
        return this.transport;
    }
}
