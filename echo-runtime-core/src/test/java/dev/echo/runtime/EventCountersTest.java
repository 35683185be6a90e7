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
