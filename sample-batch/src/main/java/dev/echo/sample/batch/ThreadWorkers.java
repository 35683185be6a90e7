package dev.echo.sample.batch;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The workers on a plain {@link ExecutorService}: a fixed pool with one platform thread per
 * worker (every worker blocks in its queue, so fewer threads than workers would deadlock), or a
 * virtual thread per worker. The first failure interrupts the rest.
 */
final class ThreadWorkers implements Workers {

    private final boolean virtual;

    ThreadWorkers(boolean virtual) {
        this.virtual = virtual;
    }

    @Override
    public void runAll(List<Worker> workers) throws Exception {
        ExecutorService pool = virtual
                ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pipeline-", 0).factory())
                : Executors.newFixedThreadPool(workers.size(), Thread.ofPlatform().name("pipeline-", 0).daemon().factory());
        try {
            ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (Worker worker : workers) {
                done.submit(worker.body());
            }
            for (int i = 0; i < workers.size(); i++) {
                try {
                    done.take().get();
                } catch (ExecutionException failed) {
                    if (failed.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw failed;
                }
            }
        } finally {
            pool.shutdownNow();
            // Bounded: every worker waits only in interruptible queue operations or JDBC calls.
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
