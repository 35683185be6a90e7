package dev.echo.spring.autoconfigure;

import java.time.Duration;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Transport;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the application's {@link EchoRuntime} ({@code echo.runtime.*}).
 *
 * <p>It validates itself (Boot's binder uses a properties object that is a {@link Validator}),
 * so a bad value ends start-up in Boot's failure report naming the property, the value and
 * what to set instead — the same limits {@link EchoRuntime.Builder} enforces, checked before
 * anything starts.
 */
@ConfigurationProperties("echo.runtime")
public class EchoRuntimeProperties implements Validator {

    /** Whether to auto-configure an Echo runtime. */
    private boolean enabled = true;

    /** Number of processors (Go's GOMAXPROCS): tasks that run at once; unset means one per available CPU. */
    private @Nullable Integer processors;

    /** Name of the runtime; prefixes its thread names. */
    private String name = "echo";

    /** How the runtime's Reactor waits for I/O; auto picks epoll on Linux, kqueue on macOS, else NIO. */
    private Transport transport = Transport.AUTO;

    /** How long shutdown lets running tasks finish before cancelling them (and again for the cancelled ones to stop). */
    private Duration shutdownTimeout = Duration.ofSeconds(5);

    /** Whether EchoRuntime.block reports every task asleep forever as a DeadlockException; only for a closed world, where nothing outside the runtime's tasks wakes them. */
    private boolean deadlockDetection;

    /** Whether to register Echo as the applicationTaskExecutor (used by @Async, MVC async, WebSocket), replacing Boot's. */
    private boolean applicationTaskExecutor;

    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable Integer getProcessors() {
        return this.processors;
    }

    public void setProcessors(@Nullable Integer processors) {
        this.processors = processors;
    }

    public String getName() {
        return this.name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Transport getTransport() {
        return this.transport;
    }

    public void setTransport(Transport transport) {
        this.transport = transport;
    }

    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public boolean isDeadlockDetection() {
        return this.deadlockDetection;
    }

    public void setDeadlockDetection(boolean deadlockDetection) {
        this.deadlockDetection = deadlockDetection;
    }

    public boolean isApplicationTaskExecutor() {
        return this.applicationTaskExecutor;
    }

    public void setApplicationTaskExecutor(boolean applicationTaskExecutor) {
        this.applicationTaskExecutor = applicationTaskExecutor;
    }

    public Metrics getMetrics() {
        return this.metrics;
    }

    /** The runtime's Micrometer meters (echo.*), bound when Micrometer is on the class path. */
    public static class Metrics {

        /** Whether to bind the runtime's meters to the application's meter registries. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The builder these properties describe (customizers run on it afterwards). */
    EchoRuntime.Builder toBuilder() {
        EchoRuntime.Builder builder = EchoRuntime.builder()
                .name(this.name)
                .transport(this.transport)
                .shutdownGrace(this.shutdownTimeout)
                .deadlockDetection(this.deadlockDetection);
        if (this.processors != null) {
            builder.processors(this.processors);
        }
        return builder;
    }

    @Override
    public boolean supports(Class<?> type) {
        return EchoRuntimeProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        EchoRuntimeProperties properties = (EchoRuntimeProperties) target;
        if (properties.processors != null && properties.processors < 1) {
            errors.rejectValue("processors", "echo.runtime.processors.min",
                    "must be at least 1 (the number of tasks that run at once); remove it to use one per available CPU");
        }
        if (properties.name == null || properties.name.isBlank()) {
            errors.rejectValue("name", "echo.runtime.name.blank",
                    "must not be blank (it prefixes the runtime's thread names); remove it to use 'echo'");
        }
        if (properties.shutdownTimeout == null || properties.shutdownTimeout.isNegative()) {
            errors.rejectValue("shutdownTimeout", "echo.runtime.shutdown-timeout.negative",
                    "must be zero or positive, such as 5s or 500ms");
        }
    }
}
