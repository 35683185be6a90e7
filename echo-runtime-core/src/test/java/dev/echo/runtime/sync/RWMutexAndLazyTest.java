package dev.echo.runtime.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RWMutex (readers share, a waiting writer holds off later readers, cancellation) and Lazy (computed once, failures retried). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RWMutexAndLazyTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static EchoRuntime runtime() {
        return EchoRuntime.builder().processors(2).name("rw" + SEQUENCE.incrementAndGet() + "x")
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    private static void awaitWaiting(Task<?> task) {
        await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
    }

    @Test
    void readersShareAndAWaitingWriterHoldsOffLaterReaders() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                RWMutex lock = new RWMutex("table");
                lock.readLock();
                assertThat(lock.tryReadLock()).as("readers share").isTrue();
                Task<Void> writer = Echo.spawn(() -> {
                    lock.lock();
                    lock.unlock();
                });
                awaitWaiting(writer);
                assertThat(writer.describe()).contains("write lock of RWMutex[table]");
                assertThat(lock.tryReadLock()).as("a waiting writer holds off later readers").isFalse();
                Task<Void> cancelled = Echo.spawn(() -> lock.lock());
                awaitWaiting(cancelled);
                cancelled.cancel();
                assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
                lock.readUnlock();
                lock.readUnlock();
                writer.join();
                assertThat(lock.tryLock()).as("nothing left holding it").isTrue();
                lock.unlock();
                assertThatThrownBy(lock::unlock).isInstanceOf(IllegalStateException.class);
                return null;
            });
        }
    }

    @Test
    void lazyComputesOnceForManyCallersAndRetriesAfterAFailure() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                AtomicInteger runs = new AtomicInteger();
                Lazy<String> config = Lazy.of(() -> {
                    runs.incrementAndGet();
                    Echo.sleep(Duration.ofMillis(20));
                    return "loaded";
                });
                List<Task<String>> callers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    callers.add(Echo.spawn(config::get));
                }
                for (Task<String> caller : callers) {
                    assertThat(caller.join()).isEqualTo("loaded");
                }
                assertThat(runs.get()).isEqualTo(1);

                AtomicInteger attempts = new AtomicInteger();
                Lazy<Integer> flaky = Lazy.of(() -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("first try fails");
                    }
                    return 42;
                });
                assertThatThrownBy(flaky::get).hasMessage("first try fails");
                assertThat(flaky.get()).isEqualTo(42);
                assertThat(flaky.get()).isEqualTo(42);
                assertThat(attempts.get()).isEqualTo(2);
                return null;
            });
        }
    }
}
