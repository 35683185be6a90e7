package dev.echo.sample.quotes;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sample.quotes.*}: the aggregator's deadline and the backends it asks. A bad value stops
 * start-up with Boot's failure report naming the property and the value.
 *
 * @param deadline how long {@code /api/quotes} waits for the backends before it answers with what arrived
 * @param backends the backends every quote request asks, each an endpoint of this application
 */
@ConfigurationProperties("sample.quotes")
record QuotesProperties(@DefaultValue("300ms") Duration deadline, @DefaultValue List<Backend> backends) {

    QuotesProperties {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("sample.quotes.deadline must be positive, was " + deadline);
        }
        Set<String> names = new HashSet<>();
        for (Backend backend : backends) {
            if (!names.add(backend.name())) {
                throw new IllegalArgumentException("sample.quotes.backends names '" + backend.name() + "' twice");
            }
        }
        backends = List.copyOf(backends);
    }

    Backend backend(String name) {
        return this.backends.stream().filter((backend) -> backend.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * One simulated backend: {@code /backends/{name}/price} answers after {@code latency} plus up
     * to {@code jitter}, or fails with 503 at {@code failure-rate}.
     *
     * @param name its name, a path segment
     * @param latency the least time it takes to answer
     * @param jitter up to this much more, uniformly at random
     * @param failureRate the share of requests it fails, 0 to 1
     */
    record Backend(String name, @DefaultValue("50ms") Duration latency, @DefaultValue("0ms") Duration jitter,
            @DefaultValue("0") double failureRate) {

        Backend {
            if (name == null || !name.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("a backend's name must be lower-case letters, digits and '-', was '" + name + "'");
            }
            if (latency.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("backend '" + name + "': latency and jitter must not be negative, were "
                        + latency + " and " + jitter);
            }
            if (!(failureRate >= 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("backend '" + name + "': failure-rate must be between 0 and 1, was " + failureRate);
            }
        }
    }
}
