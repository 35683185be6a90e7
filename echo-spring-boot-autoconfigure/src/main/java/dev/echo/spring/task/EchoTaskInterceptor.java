package dev.echo.spring.task;

import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.Task;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * Runs an {@link EchoTask @EchoTask} method's body as an Echo task. Spring's
 * {@link AsyncExecutionInterceptor} finds the executor and owns the uncaught-exception handler;
 * this subclass replaces its dispatch, which knows only {@code Future}s and {@code void} (and
 * would send an {@code EchoFuture} method's failure to the handler instead of the caller), with
 * one per {@link EchoTaskReturnType}.
 *
 * <p>The body may return a future or publisher of its own; the caller's result follows it, and
 * cancelling the caller's result cancels the task, which cancels the body's future.
 */
final class EchoTaskInterceptor extends AsyncExecutionInterceptor {

    /** Task names by method; computed once per method (annotation lookup is not free). */
    private final Map<Method, String> taskNames = new ConcurrentHashMap<>();

    EchoTaskInterceptor() {
        super(null);
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis()) : null;
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
        EchoTaskReturnType returnType = EchoTaskReturnType.of(method);
        if (returnType == null) {
            // The post-processor rejects these at start-up; reached only by a proxy made elsewhere.
            throw new EchoTaskReturnTypeException(method);
        }
        EchoTaskExecutor executor = echoExecutor(method);
        String name = this.taskNames.computeIfAbsent(method, (m) -> taskName(m, targetClass));
        return switch (returnType) {
            case VOID -> {
                Task<@Nullable Object> task = executor.spawn(name, () -> proceed(invocation));
                task.future().whenComplete((value, failure) -> {
                    if (failure != null && !(failure instanceof CancellationException)) {
                        handleVoidFailure(failure, method, invocation.getArguments());
                    }
                });
                yield null;
            }
            case ECHO_FUTURE -> executor.spawn(name, () -> awaitEchoFuture(invocation)).future();
            case COMPLETABLE_FUTURE -> executor.spawn(name, () -> awaitStage(invocation)).future().toCompletableFuture();
            case MONO -> ReactiveReturns.mono(executor, name, invocation);
            case FLUX -> ReactiveReturns.flux(executor, name, invocation);
        };
    }

    private EchoTaskExecutor echoExecutor(Method method) {
        AsyncTaskExecutor executor = determineAsyncExecutor(method);
        if (executor instanceof EchoTaskExecutor echo) {
            return echo;
        }
        throw new IllegalStateException("@EchoTask method " + method + " has no Echo runtime to run on (executor: " + executor + ")");
    }

    private void handleVoidFailure(Throwable failure, Method method, @Nullable Object[] arguments) {
        try {
            handleError(failure, method, arguments);
        }
        catch (Throwable ex) {
            this.logger.error("@EchoTask method " + method + " failed, and so did its uncaught-exception handler", ex);
        }
    }

    private static String taskName(Method method, @Nullable Class<?> targetClass) {
        EchoTask annotation = AnnotatedElementUtils.findMergedAnnotation(method, EchoTask.class);
        if (annotation != null && !annotation.name().isEmpty()) {
            return annotation.name();
        }
        Class<?> owner = (targetClass != null) ? targetClass : method.getDeclaringClass();
        return owner.getSimpleName() + "." + method.getName();
    }

    private static @Nullable Object awaitEchoFuture(MethodInvocation invocation) throws Exception {
        EchoFuture<?> result = (EchoFuture<?>) proceed(invocation);
        return (result != null) ? await(result) : null;
    }

    private static @Nullable Object awaitStage(MethodInvocation invocation) throws Exception {
        CompletionStage<?> result = (CompletionStage<?>) proceed(invocation);
        return (result != null) ? await(EchoFuture.from(result)) : null;
    }

    /** Awaits the body's own future; a cancelled task (the caller cancelled) cancels it too. */
    private static @Nullable Object await(EchoFuture<?> result) {
        try {
            return result.await();
        }
        catch (CancellationException ex) {
            result.cancel();
            throw ex;
        }
    }

    /** Calls the method (and any later interceptors) with its failure as thrown. */
    static @Nullable Object proceed(MethodInvocation invocation) throws Exception {
        try {
            return invocation.proceed();
        }
        catch (Exception | Error ex) {
            throw ex;
        }
        catch (Throwable ex) {
            throw new UndeclaredThrowableException(ex);
        }
    }
}
