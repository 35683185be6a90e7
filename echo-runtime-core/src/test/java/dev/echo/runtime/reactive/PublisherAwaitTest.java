package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.context.Context;

/** One test per row of {@link PublisherAwait}'s semantics table. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PublisherAwaitTest {

    private static final EchoRuntime RUNTIME = ReactiveTests.runtime(2, "await");

    @AfterAll
    static void close() {
        RUNTIME.close();
    }

    @Test
    void oneValueIsReturned() {
        assertThat(RUNTIME.block(() -> PublisherAwait.awaitSingle(Mono.just("v")))).isEqualTo("v");
        assertThat(RUNTIME.block(() -> PublisherAwait.awaitSingleOrNull(Mono.just("v")))).isEqualTo("v");
    }

    @Test
    void awaitingADelayedMonoParksTheTaskNotTheThread() {
        // One processor: if the await blocked its carrier, the second task could never run.
        try (EchoRuntime one = ReactiveTests.runtime(1, "awaitone")) {
            String result = one.block(() -> {
                Sinks.One<String> sink = Sinks.one();
                Echo.spawn(() -> {
                    Echo.sleep(Duration.ofMillis(20));
                    sink.tryEmitValue("from a sibling task");
                });
                return PublisherAwait.awaitSingle(sink.asMono());
            });
            assertThat(result).isEqualTo("from a sibling task");
        }
    }

    @Test
    void emptyIsNoSuchElementOrNull() {
        assertThatThrownBy(() -> RUNTIME.block(() -> PublisherAwait.awaitSingle(Mono.empty())))
                .isInstanceOf(NoSuchElementException.class);
        assertThat(RUNTIME.block(() -> PublisherAwait.awaitSingleOrNull(Mono.<String>empty()))).isNull();
    }

    @Test
    void failuresAreRethrownUncheckedAsIsCheckedWrapped() {
        IllegalStateException unchecked = new IllegalStateException("x");
        assertThatThrownBy(() -> RUNTIME.block(() -> PublisherAwait.awaitSingle(Mono.error(unchecked))))
                .isSameAs(unchecked);
        IOException checked = new IOException("io");
        assertThatThrownBy(() -> RUNTIME.block(() -> PublisherAwait.awaitSingle(Mono.error(checked))))
                .isInstanceOf(CompletionException.class).hasCause(checked);
    }

    @Test
    void aSecondValueCancelsAndFails() {
        AtomicBoolean cancelled = new AtomicBoolean();
        assertThatThrownBy(() -> RUNTIME.block(() -> PublisherAwait.awaitSingle(
                Flux.just(1, 2, 3).doOnCancel(() -> cancelled.set(true)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("second");
        assertThat(cancelled).isTrue();
    }

    @Test
    void cancellingTheWaitingTaskCancelsTheSubscription() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        Task<String> waiter = RUNTIME.spawn(() -> PublisherAwait.awaitSingle(
                Mono.<String>never().doOnCancel(() -> cancelled.set(true))));
        org.awaitility.Awaitility.await().until(() -> waiter.status() == TaskStatus.WAITING);
        waiter.cancel();
        assertThatThrownBy(waiter::join).isInstanceOf(CancellationException.class);
        assertThat(cancelled).isTrue();
    }

    @Test
    void theAwaitedMonoSeesTheTasksSubscriberContext() {
        Mono<String> inner = Mono.deferContextual(ctx -> Mono.just(ctx.<String>get("trace")));
        Mono<String> outer = FutureMono.spawn(RUNTIME, () -> PublisherAwait.awaitSingle(inner))
                .contextWrite(Context.of("trace", "t-42"));
        assertThat(outer.block(Duration.ofSeconds(10))).isEqualTo("t-42");
    }

    @Test
    void onAPlainThreadItBlocksThatThread() {
        assertThat(PublisherAwait.awaitSingle(Mono.just(1).delayElement(Duration.ofMillis(10)))).isEqualTo(1);
    }

    @Test
    void nullPublisherIsRejectedByName() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> PublisherAwait.awaitSingle(null)).withMessage("publisher");
    }
}
