/**
 * The Reactor bridge: Echo futures and tasks as {@link reactor.core.publisher.Mono}, channels
 * as {@link reactor.core.publisher.Flux} and back, and an Echo runtime as a Reactor
 * {@link reactor.core.scheduler.Scheduler}. One class per bridged type, each with its
 * semantics table: {@link dev.echo.runtime.reactive.FutureMono},
 * {@link dev.echo.runtime.reactive.PublisherAwait}, {@link dev.echo.runtime.reactive.ChannelFlux},
 * {@link dev.echo.runtime.reactive.ProducerFlux}, {@link dev.echo.runtime.reactive.PublisherChannel},
 * {@link dev.echo.runtime.reactive.EchoScheduler}; {@link dev.echo.runtime.reactive.SubscriberContext}
 * carries Reactor's {@code Context} (and, with {@code io.micrometer:context-propagation},
 * ThreadLocal values) into the tasks.
 *
 * <p>Reactor ({@code io.projectreactor:reactor-core}) and context-propagation are optional
 * dependencies of {@code echo-runtime-core}: nothing outside this package refers to them, so the
 * rest of core loads and runs without them. docs/reactive.md has the tables and the numbers.
 *
 * <p>Where a bridge needs a task (to drain a channel, to run a body, to feed a channel) it
 * spawns one in the {@link dev.echo.runtime.EchoRuntime} it is given: waiting there parks a task
 * through {@link dev.echo.runtime.Parking}, never a platform thread.
 */
package dev.echo.runtime.reactive;
