/**
 * Echo under Spring Boot Actuator: the {@code echo} endpoint (statistics and task dump), the {@code echo} health contributor and the Micrometer meters.
 */
@NullMarked
package dev.echo.spring.actuate;

import org.jspecify.annotations.NullMarked;
