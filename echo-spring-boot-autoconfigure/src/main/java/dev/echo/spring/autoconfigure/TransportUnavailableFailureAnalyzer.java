package dev.echo.spring.autoconfigure;

import java.util.Arrays;
import java.util.stream.Collectors;

import dev.echo.runtime.Transport;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says why the configured transport does not load and which ones do. */
class TransportUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<TransportUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TransportUnavailableException cause) {
        String available = Arrays.stream(Transport.values())
                .filter(Transport::isAvailable)
                .map(Transport::displayName)
                .collect(Collectors.joining(", "));
        return new FailureAnalysis(
                "Echo Runtime could not start: echo.runtime.transport is set to '" + cause.transport().displayName()
                        + "', which cannot load on this machine.\n\nReason: " + TransportUnavailableException.describe(cause.getCause()),
                "Set echo.runtime.transport to one that loads here (" + available + "; auto picks the first native one"
                        + " that loads), or, if '" + cause.transport().displayName() + "' should work here, add its"
                        + " native jar for this platform (the reason above names it) and check the kernel allows it.",
                cause);
    }
}
