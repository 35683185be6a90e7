package dev.echo.spring.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Runs the annotated bean method's body as an Echo task of the application's runtime; the
 * caller gets the result through the method's return type and does not wait.
 *
 * <table>
 *   <caption>Return types</caption>
 *   <tr><th>declared</th><th>the caller gets</th><th>a failure of the body</th></tr>
 *   <tr><td>{@code void}</td><td>nothing; the task runs on</td><td>goes to the
 *       {@code AsyncUncaughtExceptionHandler} bean (default: logged once with the method)</td></tr>
 *   <tr><td>{@code EchoFuture<T>}</td><td>the task's future, settled with the value of the
 *       future the body returned; cancelling it cancels the task</td><td>rejects the future</td></tr>
 *   <tr><td>{@code CompletableFuture<T>}, {@code CompletionStage<T>}</td><td>the same, as a
 *       {@code CompletableFuture}</td><td>completes it exceptionally</td></tr>
 *   <tr><td>{@code Mono<T>}, {@code Flux<T>}</td><td>a cold publisher: each subscription runs
 *       the body in a new task, then relays the publisher it returned (a {@code Channel} becomes
 *       a {@code Flux} through {@code dev.echo.runtime.reactive}); cancelling cancels the
 *       task</td><td>an error signal</td></tr>
 * </table>
 *
 * Any other return type fails the application at start-up, naming the method.
 *
 * <p>It is built on Spring's {@code @Async} machinery (an {@code AsyncAnnotationBeanPostProcessor}
 * with this annotation type), so the same rules hold: the bean is proxied, and a call from the
 * bean to its own method (self-invocation) does not go through the proxy and runs inline on the
 * caller's thread.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EchoTask {

    /** Alias for {@link #name()}. */
    @AliasFor("name")
    String value() default "";

    /**
     * The task's name, shown in thread dumps, statistics and the task dump; default
     * {@code SimpleClassName.method}.
     */
    @AliasFor("value")
    String name() default "";
}
