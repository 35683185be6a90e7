package dev.echo.sample.batch;

import java.util.List;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.TaskScope;

/**
 * The workers as Echo tasks in one fail-fast {@link TaskScope}: a failing worker cancels its
 * siblings (each ends at its next channel or JDBC wait), and the scope's close waits for them.
 * The calling thread (a Spring Batch partition thread) waits in {@link EchoRuntime#block}, which
 * cancels the scope's owner if that thread is interrupted.
 */
final class EchoWorkers implements Workers {

    private final EchoRuntime runtime;

    EchoWorkers(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void runAll(List<Worker> workers) {
        runtime.block(() -> {
            try (var scope = TaskScope.failFast()) {
                for (Worker worker : workers) {
                    scope.fork(worker.name(), worker.body());
                }
                scope.join();
            }
            return null;
        });
    }
}
