/**
 * WebFlux on Echo: Echo's futures, tasks and channels as reactive types, and Echo's loops under Reactor Netty.
 */
@NullMarked
package dev.echo.spring.web;

import org.jspecify.annotations.NullMarked;
