package dev.echo.sample.batch;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a pipeline's workers concurrently and waits for all of them; the first failure stops
 * the others and is rethrown. Interrupting the waiting thread stops them all too (that is how
 * Ctrl-C reaches a running partition).
 */
sealed interface Workers permits EchoWorkers, ThreadWorkers {

    /** One worker of a stage: its name ("parse-2") and its body. */
    record Worker(String name, Callable<Void> body) {
    }

    void runAll(List<Worker> workers) throws Exception;
}
