package dev.echo.spring.task;

import org.aopalliance.intercept.MethodInvocation;

/** Placeholder until the reactive bridge is merged. */
final class ReactiveReturns {

    private ReactiveReturns() {
    }

    static Object mono(EchoTaskExecutor executor, String name, MethodInvocation invocation) {
        throw new UnsupportedOperationException();
    }

    static Object flux(EchoTaskExecutor executor, String name, MethodInvocation invocation) {
        throw new UnsupportedOperationException();
    }
}
