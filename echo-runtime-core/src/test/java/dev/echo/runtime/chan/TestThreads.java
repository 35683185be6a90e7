package dev.echo.runtime.chan;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Starts test bodies on plain threads, virtual (as JDK code and libraries run them) or platform,
 * and hands back their outcome as a future. Channels treat both as outside Echo; the tests
 * inside real Echo tasks are in {@code EchoTaskChannelsTest}.
 */
final class TestThreads {

    private TestThreads() {
    }

    record Started<T>(Thread thread, CompletableFuture<T> outcome) {
    }

    static <T> Started<T> virtual(Callable<T> body) {
        return start(Thread.ofVirtual(), body);
    }

    static <T> Started<T> platform(Callable<T> body) {
        return start(Thread.ofPlatform().daemon(), body);
    }

    /** Waits (polling every millisecond, for at most 5 s) until {@code condition} holds. */
    static void eventually(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(condition);
    }

    private static <T> Started<T> start(Thread.Builder builder, Callable<T> body) {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread thread = builder.start(() -> {
            try {
                outcome.complete(body.call());
            } catch (Throwable failure) {
                outcome.completeExceptionally(failure);
            }
        });
        return new Started<>(thread, outcome);
    }
}
