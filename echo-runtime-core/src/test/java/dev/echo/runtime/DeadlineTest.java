package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Received;
import dev.echo.runtime.chan.Select;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deadlines as scopes: every Echo wait under one ends at it with DeadlineExceededException; nesting keeps the earliest. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineTest {

    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void everyKindOfEchoWaitEndsAtTheDeadline() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinewaits")) {
            runtime.block(() -> {
                Channel<String> never = Channel.unbuffered();
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, never::receive)).isInstanceOf(DeadlineExceededException.class)
                        .hasMessageContaining("withTimeout(PT0.05S)");
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> {
                    never.send("x");
                    return null;
                })).isInstanceOf(DeadlineExceededException.class);
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> Select.<String>create()
                        .onReceive(never, v -> v).run())).isInstanceOf(DeadlineExceededException.class);
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> new Promise<String>().future().await()))
                        .isInstanceOf(DeadlineExceededException.class);
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> {
                    Echo.sleep(LONG);
                    return null;
                })).isInstanceOf(DeadlineExceededException.class);
                Task<Void> child = Echo.spawn(() -> new Promise<Void>().future().await());
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, child::join)).isInstanceOf(DeadlineExceededException.class);
                child.cancel();
                return null;
            });
        }
    }

    @Test
    void nestedDeadlinesTakeTheEarliest() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinenest")) {
            runtime.block(() -> {
                Channel<String> never = Channel.unbuffered();
                long start = System.nanoTime();
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> Echo.withTimeout(LONG, never::receive)))
                        .as("an inner later deadline cannot extend the outer one")
                        .isInstanceOf(DeadlineExceededException.class).hasMessageContaining("PT0.05S");
                assertThatThrownBy(() -> Echo.withTimeout(LONG, () -> Echo.withTimeout(SHORT, never::receive)))
                        .isInstanceOf(DeadlineExceededException.class).hasMessageContaining("PT0.05S");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("neither waited for the 30 s one").isLessThan(LONG);
                return null;
            });
        }
    }

    @Test
    void aWaitsOwnEarlierTimeoutEndsItTheUsualWayAndTheDeadlineIsRestoredAfterTheBody() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlineown")) {
            runtime.block(() -> {
                Channel<String> never = Channel.unbuffered();
                Received<String> r = Echo.withTimeout(LONG, () -> never.receive(Duration.ofMillis(10)));
                assertThat(r).isInstanceOf(Received.Empty.class);
                Echo.withTimeout(Duration.ofMillis(10), () -> "quick");
                Echo.sleep(Duration.ofMillis(30)); // past the finished body's deadline: not bounded by it
                Channel<String> ready = Channel.buffered(1);
                ready.send("ready");
                assertThat((Object) Echo.withTimeout(Duration.ZERO, ready::receive)).as("what is ready is taken").isEqualTo("ready");
                return null;
            });
        }
    }

    @Test
    void aScopeDeadlineEndsTheChildrenAndTheOwnersJoin() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinescope")) {
            runtime.block(() -> {
                long before = runtime.stats().tasksLive();
                Task<Object> child;
                try (var scope = TaskScope.failFast().deadline(SHORT)) {
                    child = scope.fork(() -> Channel.<Object>unbuffered().receive());
                    assertThatThrownBy(scope::join).isInstanceOf(DeadlineExceededException.class)
                            .hasMessageContaining("TaskScope deadline(PT0.05S)");
                }
                assertThat(child.future().state()).isIn(FutureState.REJECTED, FutureState.CANCELLED);
                assertThat(runtime.stats().tasksLive()).isEqualTo(before);
                Echo.sleep(SHORT); // the owner's deadline ended with the scope
                return null;
            });
        }
    }

    /**
     * The deadline reaches the owner's join and the children at the same instant; whichever
     * sees it first, join() throws DeadlineExceededException and close() throws nothing more
     * (it used to rethrow a child's deadline failure when the owner's join saw it first).
     */
    @Test
    void aJoinEndedByTheDeadlineCountsAsJoinedSoCloseAddsNothing() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinejoin")) {
            runtime.block(() -> {
                for (int round = 0; round < 100; round++) {
                    try (var scope = TaskScope.failFast().deadline(Duration.ofMillis(3))) {
                        scope.fork(() -> Channel.<Object>unbuffered().receive());
                        scope.fork(() -> Channel.<Object>unbuffered().receive());
                        assertThatThrownBy(scope::join).as("round %d", round).isInstanceOf(DeadlineExceededException.class);
                    }
                }
                return null;
            });
        }
    }

    @Test
    void nonCancellableHoldsOffAnExpiredDeadlineForCleanup() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinecleanup")) {
            runtime.block(() -> {
                AtomicReference<String> cleanup = new AtomicReference<>();
                assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> {
                    try {
                        return Channel.<String>unbuffered().receive();
                    } finally {
                        cleanup.set(Echo.nonCancellable(Duration.ofSeconds(5), () -> {
                            Echo.sleep(Duration.ofMillis(10));
                            return "flushed";
                        }));
                    }
                })).isInstanceOf(DeadlineExceededException.class);
                assertThat(cleanup.get()).isEqualTo("flushed");
                return null;
            });
        }
    }

    @Test
    void aDeadlineWorksOnAPlainThread() throws Exception {
        Channel<String> never = Channel.unbuffered();
        assertThatThrownBy(() -> Echo.withTimeout(SHORT, never::receive)).isInstanceOf(DeadlineExceededException.class);
        Channel<String> later = Channel.buffered(1);
        later.send("after");
        assertThat(later.receive()).as("no deadline left behind").isEqualTo("after");
    }

    @Test
    void aDeadlineInterruptsATcpReadAndAcceptAndLeavesTheConnectionUsable() {
        try (EchoRuntime runtime = Tests.runtime(2, "deadlinetcp")) {
            runtime.block(() -> {
                try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
                    assertThatThrownBy(() -> Echo.withTimeout(SHORT, listener::accept)).isInstanceOf(DeadlineExceededException.class);
                    Task<TcpConnection> server = Echo.spawn((java.util.concurrent.Callable<TcpConnection>) listener::accept);
                    try (TcpConnection client = TcpConnection.connect(listener.localAddress());
                         TcpConnection accepted = server.join()) {
                        byte[] buffer = new byte[16];
                        assertThatThrownBy(() -> Echo.withTimeout(SHORT, () -> client.read(buffer)))
                                .isInstanceOf(DeadlineExceededException.class);
                        assertThat(client.isOpen()).isTrue();
                        accepted.write("late".getBytes());
                        Task<Integer> otherReader = Echo.spawn((java.util.concurrent.Callable<Integer>) () -> client.read(buffer));
                        assertThat(otherReader.join()).as("another task may read after the deadline").isEqualTo(4);
                    }
                }
                return null;
            });
        }
    }
}
