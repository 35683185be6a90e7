package dev.echo.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** Plain JDK virtual threads, on the JDK's default scheduler, for the vt variants. */
final class Vt {

    /** A task body that may block in JDK calls that throw {@link InterruptedException}. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private Vt() {
    }

    /** Runs {@code main} in a virtual thread, waits for it, and returns its value. */
    static <T> T main(Callable<T> main) throws Exception {
        FutureTask<T> task = new FutureTask<>(main);
        Thread.ofVirtual().name("vt-main").start(task).join();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Starts {@code body} in a virtual thread; a failure ends up as the thread's uncaught exception. */
    static Thread start(Body body) {
        return Thread.ofVirtual().start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
