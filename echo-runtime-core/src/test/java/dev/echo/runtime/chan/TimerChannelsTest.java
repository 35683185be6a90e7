package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Promise;
import dev.echo.runtime.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timers as channels (after, Ticker) and select over futures: counts and order, loose times. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerChannelsTest {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static EchoRuntime runtime() {
        return EchoRuntime.builder().processors(2).name("tc" + SEQUENCE.incrementAndGet() + "x")
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    @Test
    void afterSendsTheTimeOnceAfterTheDelay() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                Instant before = Instant.now();
                Channel<Instant> once = Ticker.after(Duration.ofMillis(20));
                Instant fired = once.receive();
                assertThat(fired).isAfterOrEqualTo(before.plusMillis(19));
                assertThat(once.receive(Duration.ofMillis(50))).as("only once").isInstanceOf(Received.Empty.class);
                assertThat(Ticker.after(Duration.ZERO).receive()).as("zero fires at the next turn").isNotNull();
                return null;
            });
        }
    }

    @Test
    void tickerDeliversAboutOneTickPerPeriodOverOneSecond() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                try (Ticker ticker = Ticker.start(Duration.ofMillis(20))) {
                    long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                    int ticks = 0;
                    while (System.nanoTime() - end < 0) {
                        if (ticker.channel().receive(Duration.ofNanos(Math.max(1, end - System.nanoTime())))
                                instanceof Received.Value<Instant>) {
                            ticks++;
                        }
                    }
                    // 50 due; a loaded 2-core box drops or delays some, fixed rate never makes extra ones.
                    assertThat(ticks).isBetween(20, 51);
                }
                return null;
            });
        }
    }

    @Test
    void tickerDropsTicksForASlowReceiverInsteadOfQueueingThem() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                try (Ticker ticker = Ticker.start(Duration.ofMillis(2))) {
                    List<Instant> received = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        received.add(ticker.channel().receive());
                        assertThat(ticker.channel().size()).isLessThanOrEqualTo(1);
                        Echo.sleep(Duration.ofMillis(40));
                    }
                    // Each slow turn (40 ms, 20 periods) finds one tick waiting, the one sent first
                    // after the previous receive; the other ~19 were dropped, not queued. So received
                    // ticks (from the third on) are a slow turn apart, never a burst 2 ms apart.
                    for (int i = 2; i < received.size(); i++) {
                        assertThat(Duration.between(received.get(i - 1), received.get(i)))
                                .as("no burst of queued ticks after a slow turn").isGreaterThanOrEqualTo(Duration.ofMillis(20));
                    }
                }
                return null;
            });
        }
    }

    @Test
    void stopEndsTheTickerAndItsTask() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                long before = runtime.stats().tasksLive();
                Ticker ticker = Ticker.start(Duration.ofMillis(5));
                ticker.channel().receive();
                ticker.stop();
                ticker.channel().tryReceive(); // at most the one tick sent before stop
                assertThat(ticker.channel().receive(Duration.ofMillis(50))).isInstanceOf(Received.Empty.class);
                assertThat(runtime.stats().tasksLive()).isEqualTo(before);
                ticker.stop();
                assertThatThrownBy(() -> Ticker.start(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("PT0S");
                return null;
            });
        }
    }

    @Test
    void oneSelectWaitsOnAChannelATaskAndATimer() {
        try (EchoRuntime runtime = runtime()) {
            runtime.block(() -> {
                Channel<String> messages = Channel.unbuffered();
                Promise<String> never = new Promise<>();
                Task<String> quick = Echo.spawn(() -> "task done");
                String first = Select.<String>create()
                        .onReceive(messages, m -> m)
                        .onAwait(quick.future(), v -> v)
                        .onReceive(Ticker.after(Duration.ofSeconds(30)), t -> "timer")
                        .run();
                assertThat(first).isEqualTo("task done");
                String second = Select.<String>create()
                        .onReceive(messages, m -> m)
                        .onAwait(never.future(), v -> v)
                        .onReceive(Ticker.after(Duration.ofMillis(20)), t -> "timer")
                        .run();
                assertThat(second).isEqualTo("timer");
                Task<Void> failing = Echo.spawn(() -> {
                    throw new IllegalStateException("task failed");
                });
                assertThatThrownBy(() -> Select.<String>create().onAwait(failing.future(), v -> "value").run())
                        .hasMessage("task failed");
                // A long-pending future selected in a loop, then settled: the next select sees it.
                for (int i = 0; i < 1_000; i++) {
                    assertThat(Select.<String>create().onAwait(never.future(), v -> v).onDefault(() -> "not yet").run())
                            .isEqualTo("not yet");
                }
                never.resolve("settled");
                assertThat(Select.<String>create().onAwait(never.future(), v -> v).run()).isEqualTo("settled");
                return null;
            });
        }
    }
}
