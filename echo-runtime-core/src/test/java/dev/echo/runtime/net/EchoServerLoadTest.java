package dev.echo.runtime.net;

import static dev.echo.runtime.net.NetTests.anyLoopbackPort;
import static dev.echo.runtime.net.NetTests.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.examples.TcpEchoExample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example echo server under 1,000 concurrent connections, and file descriptors over task failures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoServerLoadTest {

    @Test
    void aThousandConcurrentConnectionsThroughTheEchoServerGetEveryByteBack() {
        int connections = 1_000;
        try (EchoRuntime runtime = NetTests.epollRuntime(2, "load")) {
            long start = System.nanoTime();
            int verified = runtime.block(() -> {
                try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                    Task<Integer> server = TcpEchoExample.serve(listener);
                    List<Task<Boolean>> clients = new ArrayList<>(connections);
                    for (int i = 0; i < connections; i++) {
                        byte[] message = payload(i, 1 + (i * 7919) % 20_000);
                        clients.add(Echo.spawn(() -> Arrays.equals(message, TcpEchoExample.exchange(listener.localAddress(), message))));
                    }
                    int ok = 0;
                    for (Task<Boolean> client : clients) {
                        ok += client.join() ? 1 : 0;
                    }
                    listener.close();
                    assertThat(server.join()).isEqualTo(connections);
                    return ok;
                }
            });
            System.out.printf("1000 echo connections verified in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertThat(verified).as("connections whose every byte came back").isEqualTo(connections);
        }
    }

    @Test
    void socketsOfTasksThatFailOrAreCancelledAreClosedNoDescriptorLeaks() {
        try (EchoRuntime runtime = NetTests.epollRuntime(2, "fds")) {
            runtime.block(() -> {
                try (TcpListener listener = TcpListener.bind(anyLoopbackPort())) {
                    // Keep the accepted ends in the server so only the client ends are at stake.
                    List<TcpConnection> accepted = new ArrayList<>();
                    Task<Void> acceptor = Echo.spawn(() -> {
                        for (int i = 0; i < 100; i++) {
                            accepted.add(listener.accept());
                        }
                        return null;
                    });
                    Echo.sleep(Duration.ofMillis(50));
                    int before = NetTests.openFileDescriptors();
                    List<Task<Void>> failing = new ArrayList<>();
                    List<Task<Void>> blocked = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        failing.add(Echo.spawn(() -> {
                            TcpConnection.connect(listener.localAddress());
                            throw new IllegalStateException("fails holding a connection");
                        }));
                        blocked.add(Echo.spawn(() -> {
                            TcpConnection c = TcpConnection.connect(listener.localAddress());
                            c.read(new byte[1]);
                            return null;
                        }));
                    }
                    Task<Void> listenerOwner = Echo.spawn(() -> {
                        TcpListener.bind(anyLoopbackPort());
                        throw new IllegalStateException("fails holding a listener");
                    });
                    acceptor.join();
                    await().atMost(Duration.ofSeconds(10)).until(() -> blocked.stream().allMatch(t -> t.status() == TaskStatus.WAITING));
                    assertThat(NetTests.openFileDescriptors()).isGreaterThanOrEqualTo(before + 100);
                    for (Task<Void> task : blocked) {
                        task.cancel();
                    }
                    for (Task<Void> task : failing) {
                        assertThatThrownBy(task::join).hasMessageContaining("fails holding");
                    }
                    assertThatThrownBy(listenerOwner::join).hasMessageContaining("fails holding a listener");
                    // The 100 accepted ends are still open here, on purpose: only the dead owners' ends go.
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                            assertThat(NetTests.openFileDescriptors()).as("open descriptors after the owners died")
                                    .isLessThanOrEqualTo(before + 100));
                    for (TcpConnection c : accepted) {
                        c.close();
                    }
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                            assertThat(NetTests.openFileDescriptors()).as("open descriptors after closing the accepted ends")
                                    .isLessThanOrEqualTo(before));
                }
                return null;
            });
        }
    }
}
