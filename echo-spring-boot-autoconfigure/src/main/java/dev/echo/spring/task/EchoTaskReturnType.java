package dev.echo.spring.task;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.echo.runtime.EchoFuture;
import org.jspecify.annotations.Nullable;

/**
 * The return types an {@link EchoTask @EchoTask} method may declare, and how each reaches the
 * caller (see {@link EchoTask}). Mono and Flux are matched by name so that Reactor stays optional.
 */
enum EchoTaskReturnType {

    VOID,
    ECHO_FUTURE,
    /** CompletableFuture or CompletionStage: the caller gets a CompletableFuture. */
    COMPLETABLE_FUTURE,
    MONO,
    FLUX;

    static final String SUPPORTED = "void, EchoFuture, CompletableFuture, CompletionStage, Mono or Flux";

    /** The kind of {@code method}'s declared return type, or null if @EchoTask cannot return it. */
    static @Nullable EchoTaskReturnType of(Method method) {
        Class<?> type = method.getReturnType();
        if (type == void.class) {
            return VOID;
        }
        if (type == EchoFuture.class) {
            return ECHO_FUTURE;
        }
        if (type == CompletableFuture.class || type == CompletionStage.class) {
            return COMPLETABLE_FUTURE;
        }
        return switch (type.getName()) {
            case "reactor.core.publisher.Mono" -> MONO;
            case "reactor.core.publisher.Flux" -> FLUX;
            default -> null;
        };
    }
}
