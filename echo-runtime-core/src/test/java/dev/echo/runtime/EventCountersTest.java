package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Select;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The domain-event counters: each channel message counted once as sent and once as received, whoever parked. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventCountersTest {

    @Test
    void countsEveryMessageOnceThroughTheBufferAndThroughDirectHandOffs() {
        try (EchoRuntime runtime = Tests.runtime(2, "events")) {
            RuntimeStats before = runtime.stats();
            runtime.block(() -> {
                Channel<Integer> buffered = Channel.buffered(4);
                Channel<Integer> unbuffered = Channel.unbuffered();
                Task<Integer> consumer = Echo.spawn(() -> {
                    int sum = 0;
                    for (int i = 0; i < 1_000; i++) {
                        sum += buffered.receive();
                        sum += unbuffered.receive();
                    }
                    return sum;
                });
                for (int i = 0; i < 1_000; i++) {
                    buffered.send(1);
                    unbuffered.send(1);
                }
                return consumer.join();
            });
            RuntimeStats after = runtime.stats();
            assertThat(after.channelMessagesSent() - before.channelMessagesSent()).isEqualTo(2_000);
            assertThat(after.channelMessagesReceived() - before.channelMessagesReceived()).isEqualTo(2_000);
            assertThat(after.tasksWoken()).isPositive();
        }
    }

    /**
     * A task that holds its processor so long that the monitor hands the slot to a fresh one
     * keeps running on the retired processor: the messages it sends from there still count
     * (the sample-batch pipeline's file reader, pinned in file I/O, lost them before).
     */
    @Test
    void countsMessagesSentFromATaskWhoseProcessorWasHandedOff() {
        try (EchoRuntime runtime = Tests.runtime(2, "late-events")) {
            RuntimeStats before = runtime.stats();
            int received = runtime.block(() -> {
                Channel<Integer> out = Channel.buffered(1_000);
                java.util.List<Task<Void>> holders = new java.util.ArrayList<>();
                for (int p = 0; p < 2; p++) {
                    boolean sender = p == 0;
                    holders.add(Echo.spawn(() -> {
                        // Hold the processor (no scheduling point), with work waiting behind it.
                        long giveUp = System.nanoTime() + 20_000_000_000L;
                        long nextFiller = System.nanoTime();
                        while (Echo.runtime().stats().handOffs() == 0 && System.nanoTime() - giveUp < 0) {
                            if (System.nanoTime() - nextFiller >= 0) {
                                Echo.spawn(() -> { });
                                nextFiller = System.nanoTime() + 2_000_000L;
                            }
                            Thread.onSpinWait();
                        }
                        if (sender) {
                            for (int i = 0; i < 500; i++) {
                                out.trySend(i);
                            }
                        }
                        return null;
                    }));
                }
                for (Task<Void> holder : holders) {
                    holder.join();
                }
                int n = 0;
                while (out.tryReceive().hasValue()) {
                    n++;
                }
                return n;
            });
            assertThat(runtime.stats().handOffs()).as("hand-offs while both processors were held").isPositive();
            assertThat(received).isEqualTo(500);
            // The sender's worker adds its late counts when it lets go of the retired processor,
            // at its first scheduling point after the task ended (maybe just after join returned).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> runtime.stats().channelMessagesSent() - before.channelMessagesSent() >= 500);
            RuntimeStats after = runtime.stats();
            assertThat(after.channelMessagesSent() - before.channelMessagesSent()).isEqualTo(500);
            assertThat(after.channelMessagesReceived() - before.channelMessagesReceived()).isEqualTo(500);
        }
    }

    @Test
    void countsASelectsSendAndReceiveAndNothingAPlainThreadDoes() {
        try (EchoRuntime runtime = Tests.runtime(1, "selects")) {
            Channel<String> fromOutside = Channel.buffered(1);
            fromOutside.send("plain thread"); // not in a task: no runtime's event
            assertThat(runtime.stats().channelMessagesSent()).isZero();
            runtime.block(() -> {
                Channel<String> out = Channel.buffered(1);
                Select.<String>create().onSend(out, "selected", () -> "sent").run();
                return Select.<String>create().onReceive(out, (value) -> value).run();
            });
            assertThat(runtime.stats().channelMessagesSent()).isEqualTo(1);
            assertThat(runtime.stats().channelMessagesReceived()).isEqualTo(1);
        }
    }
}
