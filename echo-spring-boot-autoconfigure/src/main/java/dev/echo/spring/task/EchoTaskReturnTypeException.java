package dev.echo.spring.task;

import java.lang.reflect.Method;

/**
 * An {@link EchoTask @EchoTask} method declares a return type the caller could not get a task's
 * result through. Thrown while the bean is created, so the application does not start.
 */
public final class EchoTaskReturnTypeException extends IllegalStateException {

    private final Method method;

    EchoTaskReturnTypeException(Method method) {
        super("@EchoTask method " + method.getDeclaringClass().getName() + "." + method.getName()
                + " returns " + method.getGenericReturnType().getTypeName() + "; an @EchoTask method must return "
                + EchoTaskReturnType.SUPPORTED);
        this.method = method;
    }

    /** The offending method. */
    public Method getMethod() {
        return this.method;
    }
}
