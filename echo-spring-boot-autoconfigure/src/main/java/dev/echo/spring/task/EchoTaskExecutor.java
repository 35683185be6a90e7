package dev.echo.spring.task;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;

/**
 * Spring's {@link AsyncTaskExecutor} over an {@link EchoRuntime}: every submission is a new
 * Echo task. Futures it returns cancel their task when cancelled. Used for {@code @EchoTask},
 * for WebFlux's blocking execution ({@code echo.web.blocking-execution}) and, when
 * {@code echo.runtime.application-task-executor=true}, as the {@code applicationTaskExecutor}.
 */
public final class EchoTaskExecutor implements AsyncTaskExecutor {

    private final EchoRuntime runtime;

    public EchoTaskExecutor(EchoRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** The runtime tasks are spawned in. */
    public EchoRuntime runtime() {
        return this.runtime;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        spawn(null, () -> {
            task.run();
            return null;
        });
    }

    @Override
    public Future<?> submit(Runnable task) {
        return submitCompletable(task);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return submitCompletable(task);
    }

    @Override
    public CompletableFuture<Void> submitCompletable(Runnable task) {
        Objects.requireNonNull(task, "task");
        return spawn(null, () -> {
            task.run();
            return (Void) null;
        }).future().toCompletableFuture();
    }

    @Override
    public <T> CompletableFuture<T> submitCompletable(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return spawn(null, task).future().toCompletableFuture();
    }

    /** Spawns a (named, when name is not null) task; a closed runtime is Spring's TaskRejectedException. */
    <T> Task<T> spawn(@Nullable String name, Callable<T> body) {
        try {
            return (name != null) ? this.runtime.spawn(name, body) : this.runtime.spawn(body);
        }
        catch (RejectedExecutionException ex) {
            throw new TaskRejectedException("Echo runtime '" + this.runtime.name() + "' did not accept a task: " + ex.getMessage(), ex);
        }
    }

    @Override
    public String toString() {
        return "EchoTaskExecutor[" + this.runtime + "]";
    }
}
