/**
 * {@link dev.echo.spring.task.EchoTask @EchoTask}: bean methods that run as Echo tasks, built on Spring's {@code @Async} machinery.
 */
@NullMarked
package dev.echo.spring.task;

import org.jspecify.annotations.NullMarked;
