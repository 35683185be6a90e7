package dev.echo.spring.autoconfigure;

import java.lang.reflect.Method;

import dev.echo.spring.task.EchoTaskReturnTypeException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Names the {@code @EchoTask} method whose return type cannot carry the task's result. */
class EchoTaskReturnTypeFailureAnalyzer extends AbstractFailureAnalyzer<EchoTaskReturnTypeException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EchoTaskReturnTypeException cause) {
        Method method = cause.getMethod();
        return new FailureAnalysis(cause.getMessage() + ". The caller gets an @EchoTask method's result without waiting,"
                + " so the return type must be able to carry a result that is not there yet.",
                "Change the return type of " + method.getDeclaringClass().getName() + "." + method.getName()
                        + " to void, EchoFuture<T>, CompletableFuture<T> (or CompletionStage<T>), Mono<T> or Flux<T> (for a"
                        + " Channel, return Flux<T> via dev.echo.runtime.reactive.ChannelFlux), or remove @EchoTask.",
                cause);
    }
}
