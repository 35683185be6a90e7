package dev.echo.spring.task;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

/** Spring's {@code @Async} advisor, matching {@link EchoTask} and advising with {@link EchoTaskInterceptor}. */
final class EchoTaskAdvisor extends AsyncAnnotationAdvisor {

    EchoTaskAdvisor(Supplier<? extends @Nullable Executor> executor,
            Supplier<? extends @Nullable AsyncUncaughtExceptionHandler> exceptionHandler) {
        super(executor, exceptionHandler);
        setAsyncAnnotationType(EchoTask.class);
    }

    @Override
    protected Advice buildAdvice(@Nullable Supplier<? extends @Nullable Executor> executor,
            @Nullable Supplier<? extends @Nullable AsyncUncaughtExceptionHandler> exceptionHandler) {
        EchoTaskInterceptor interceptor = new EchoTaskInterceptor();
        interceptor.configure(executor, exceptionHandler);
        return interceptor;
    }
}
