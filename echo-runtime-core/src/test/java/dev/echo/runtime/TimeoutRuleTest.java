package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Received;
import dev.echo.runtime.chan.Select;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One rule for every timeout in Echo: zero does not wait, negative has already expired, and
 * "no limit" is the method without a timeout. Each API is tried with zero and with a negative
 * timeout, from a task, where nothing can complete at once: each must give up at once (and a
 * timer must fire at once), never throw IllegalArgumentException, never wait forever.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutRuleTest {

    @ParameterizedTest(name = "timeout = {0} ms")
    @ValueSource(longs = {0, -5, Long.MIN_VALUE / 1_000_000})
    void everyWaitWithAZeroOrNegativeTimeoutGivesUpAtOnce(long millis) throws Exception {
        Duration timeout = Duration.ofMillis(millis);
        try (EchoRuntime runtime = Tests.runtime(1, "timeoutrule")) {
            List<String> outcomes = runtime.block(() -> {
                Channel<Integer> ch = Channel.unbuffered();
                String future;
                try {
                    new Promise<String>().future().await(timeout);
                    future = "returned";
                } catch (TimeoutException e) {
                    future = "timed out";
                }
                Echo.sleep(timeout);
                String sleep = "returned";
                String send = ch.send(1, timeout) ? "sent" : "not sent";
                String receive = ch.receive(timeout) instanceof Received.Empty<Integer> ? "empty" : "received";
                String select = Select.<String>create().onReceive(ch, v -> "received")
                        .onTimeout(timeout, () -> "timed out").run();
                String timer = Echo.delay(timeout).await(Duration.ofSeconds(10)) == null ? "fired" : "?";
                String accept;
                String read;
                try (TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    try {
                        listener.accept(timeout);
                        accept = "accepted";
                    } catch (SocketTimeoutException e) {
                        accept = "timed out";
                    }
                    try (TcpConnection c = TcpConnection.connect(listener.localAddress())) {
                        c.readTimeout(timeout);
                        try {
                            c.read(new byte[1]);
                            read = "read";
                        } catch (SocketTimeoutException e) {
                            read = "timed out";
                        }
                    }
                }
                return List.of(future, sleep, send, receive, select, timer, accept, read);
            });
            assertThat(outcomes).containsExactly("timed out", "returned", "not sent", "empty", "timed out", "fired",
                    "timed out", "timed out");
        }
    }

    @Test
    void aNegativeGraceClosesWithoutGrace() {
        EchoRuntime runtime = Tests.runtime(1, "negativegrace");
        Task<Object> parked = runtime.spawn(() -> Channel.unbuffered().receive());
        runtime.close(Duration.ofSeconds(-1));
        assertThat(runtime.isClosed()).isTrue();
        assertThat(parked.status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void aTimeoutBeyondWhatNanoTimeCanMeasureWaitsAsIfForever() {
        try (EchoRuntime runtime = Tests.runtime(1, "hugetimeout")) {
            int got = runtime.block(() -> {
                Channel<Integer> ch = Channel.unbuffered();
                Echo.spawn(() -> ch.send(3));
                return ((Received.Value<Integer>) ch.receive(Duration.ofSeconds(Long.MAX_VALUE))).value();
            });
            assertThat(got).isEqualTo(3);
        }
    }
}
