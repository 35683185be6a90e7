package dev.echo.spring.task;

import dev.echo.runtime.reactive.FutureMono;
import org.aopalliance.intercept.MethodInvocation;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Mono and Flux return types of {@link EchoTask @EchoTask} methods, apart from
 * {@link EchoTaskInterceptor} so that Reactor is loaded only when a method declares one.
 *
 * <p>Both are cold: each subscription spawns a task that runs the body, then relays the
 * publisher the body returned (null: empty). A cancel before the body returns cancels the task
 * ({@link FutureMono#from(dev.echo.runtime.Task)}); after, it cancels the body's publisher.
 */
final class ReactiveReturns {

    private ReactiveReturns() {
    }

    @SuppressWarnings("unchecked")
    static Mono<Object> mono(EchoTaskExecutor executor, String name, MethodInvocation invocation) {
        return Mono.defer(() -> FutureMono.from(executor.spawn(name, () -> EchoTaskInterceptor.proceed(invocation))))
            .flatMap((result) -> (Mono<Object>) result);
    }

    @SuppressWarnings("unchecked")
    static Flux<Object> flux(EchoTaskExecutor executor, String name, MethodInvocation invocation) {
        return Mono.defer(() -> FutureMono.from(executor.spawn(name, () -> EchoTaskInterceptor.proceed(invocation))))
            .flatMapMany((result) -> (Flux<Object>) result);
    }
}
