/**
 * Auto-configuration for Echo Runtime: the runtime bean, {@code @EchoTask}, WebFlux and the failure analyzers.
 */
@NullMarked
package dev.echo.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
