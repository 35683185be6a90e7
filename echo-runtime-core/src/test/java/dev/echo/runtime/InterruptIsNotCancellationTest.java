package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.chan.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancellation is Task.cancel() (or close); an interrupt from user code is an interrupt, as on
 * any thread. And a cancelled task can still run cleanup that waits, within a bounded grace.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptIsNotCancellationTest {

    /** JDBC drivers, HTTP clients and executors restore the interrupt and carry on. */
    @Test
    void aTaskThatRestoresAnInterruptAndThenWaitsInEchoStillResolvesWithItsResult() {
        try (EchoRuntime runtime = Tests.runtime(2, "interruptidiom")) {
            Channel<Integer> ch = Channel.buffered(1);
            Task<Integer> task = runtime.spawn(() -> {
                try {
                    Thread.currentThread().interrupt(); // as if a JDK call had been interrupted
                    throw new InterruptedException("simulated");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the idiom
                }
                ch.send(1);                       // Echo waits go on, interrupt status and all
                Echo.sleep(Duration.ofMillis(5));
                Echo.spawn(() -> 2).join();
                boolean stillInterrupted = Thread.currentThread().isInterrupted();
                return stillInterrupted ? 42 : -1;
            });
            assertThat(runtime.block(task::join)).isEqualTo(42);
            assertThat(task.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(task.isCancelled()).isFalse();
        }
    }

    @Test
    void anInterruptFromAnotherThreadNeitherEndsAnEchoWaitNorCancelsTheTask() throws Exception {
        try (EchoRuntime runtime = Tests.runtime(2, "interruptwait")) {
            Channel<Integer> ch = Channel.unbuffered();
            Task<Integer> receiver = runtime.spawn(() -> {
                int value = ch.receive();
                return Thread.currentThread().isInterrupted() ? value : -value;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.status() == TaskStatus.WAITING);
            receiver.thread.interrupt();
            Thread.sleep(50);
            assertThat(receiver.future().isDone()).as("still waiting after the interrupt").isFalse();
            ch.send(7);
            assertThat(receiver.future().await(Duration.ofSeconds(10))).isEqualTo(7);
            assertThat(receiver.status()).isEqualTo(TaskStatus.COMPLETED);
        }
    }

    @Test
    void cancelStillEndsEchoWaitsAndJdkBlockingCalls() {
        try (EchoRuntime runtime = Tests.runtime(2, "cancelboth")) {
            Task<Object> inEcho = runtime.spawn(() -> Channel.unbuffered().receive());
            Task<Object> inJdk = runtime.spawn(() -> {
                Thread.sleep(60_000);
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> inEcho.status() == TaskStatus.WAITING
                    && inJdk.status() == TaskStatus.WAITING);
            inEcho.cancel();
            inJdk.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> inEcho.future().isDone() && inJdk.future().isDone());
            assertThat(inEcho.status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(inJdk.status()).isEqualTo(TaskStatus.CANCELLED);
        }
    }

    @Test
    void aCancelledTaskCanStillWaitInsideNonCancellableCleanup() {
        try (EchoRuntime runtime = Tests.runtime(2, "cleanup")) {
            Channel<String> goodbye = Channel.unbuffered();
            Task<Object> task = runtime.spawn(() -> {
                try {
                    return Channel.unbuffered().receive(); // cancelled here
                } finally {
                    Echo.nonCancellable(Duration.ofSeconds(10), () -> {
                        Echo.sleep(Duration.ofMillis(20));  // a wait after cancellation
                        goodbye.send("bye");                // parks until main receives
                        return null;
                    });
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            task.cancel();
            String said = runtime.block(goodbye::receive);
            assertThat(said).isEqualTo("bye");
            await().atMost(Duration.ofSeconds(10)).until(() -> task.future().isDone());
            assertThat(task.status()).as("cancelled all the same").isEqualTo(TaskStatus.CANCELLED);
        }
    }

    @Test
    void nonCancellableCleanupIsBoundedByItsGrace() {
        try (EchoRuntime runtime = Tests.runtime(1, "cleanupgrace")) {
            AtomicReference<Throwable> cleanupEnd = new AtomicReference<>();
            Task<Object> task = runtime.spawn(() -> {
                try {
                    return Channel.unbuffered().receive();
                } finally {
                    cleanupEnd.set(catchThrowable(() -> Echo.nonCancellable(Duration.ofMillis(50),
                            () -> Channel.unbuffered().receive()))); // nobody sends: the grace ends it
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            task.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> task.future().isDone());
            assertThat(cleanupEnd.get()).isInstanceOf(CancellationException.class);
            assertThat(task.status()).isEqualTo(TaskStatus.CANCELLED);
        }
    }

    @Test
    void outsideNonCancellableACancelledTaskStillCannotWait() {
        try (EchoRuntime runtime = Tests.runtime(1, "nocleanup")) {
            List<String> seen = new ArrayList<>();
            Task<Object> task = runtime.spawn(() -> {
                try {
                    return Channel.unbuffered().receive();
                } finally {
                    seen.add(catchThrowable(() -> Echo.sleep(Duration.ofMillis(10))) instanceof CancellationException
                            ? "sleep refused" : "slept");
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.WAITING);
            task.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> task.future().isDone());
            assertThat(seen).containsExactly("sleep refused");
        }
    }
}
