package dev.echo.spring.autoconfigure;

import dev.echo.runtime.EchoRuntime;

/**
 * Customizes the auto-configured {@link EchoRuntime} before it is built: applied, in
 * {@link org.springframework.core.annotation.Order order}, after {@code echo.runtime.*}, so a
 * customizer's setting wins over a property.
 */
@FunctionalInterface
public interface EchoRuntimeCustomizer {

    /** Customizes the builder the runtime is about to be built from. */
    void customize(EchoRuntime.Builder builder);
}
