package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.DeadlockException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Channels and select inside real Echo tasks, on a two-processor runtime. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoTaskChannelsTest {

    private static EchoRuntime runtime;

    @BeforeAll
    static void startRuntime() {
        runtime = EchoRuntime.builder().processors(2).name("chan-test").shutdownGrace(Duration.ofSeconds(1)).build();
    }

    @AfterAll
    static void closeRuntime() {
        runtime.close();
    }

    @Test
    void primeSieveAsChainOfEchoTasksYieldsTheFirstThousandPrimes() {
        List<Integer> primes = runtime.block(() -> {
            List<Task<?>> tasks = new ArrayList<>();
            List<Integer> found = new ArrayList<>();
            Channel<Integer> numbers = Channel.unbuffered();
            tasks.add(Echo.spawn(() -> {
                for (int i = 2; ; i++) {
                    numbers.send(i);
                }
            }));
            Channel<Integer> in = numbers;
            for (int i = 0; i < 1000; i++) {
                int prime = in.receive();
                found.add(prime);
                Channel<Integer> source = in;
                Channel<Integer> out = Channel.unbuffered();
                tasks.add(Echo.spawn(() -> {
                    for (;;) {
                        int candidate = source.receive();
                        if (candidate % prime != 0) {
                            out.send(candidate);
                        }
                    }
                }));
                in = out;
            }
            tasks.forEach(Task::cancel);
            for (Task<?> task : tasks) {
                assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
            }
            return found;
        });

        assertThat(primes).hasSize(1000).startsWith(2, 3, 5, 7, 11).endsWith(7919);
        assertThat(primes).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void pipelineOfThousandEchoTasksPassesMillionMessagesWithoutLossOrDuplication() {
        int messages = 1_000_000;
        int stages = 3;
        int workersPerStage = 333;
        BitSet seen = runtime.block(() -> {
            List<Channel<Integer>> links = List.of(Channel.unbuffered(), Channel.buffered(64),
                    Channel.buffered(1024), Channel.buffered(256));
            List<Task<?>> tasks = new ArrayList<>();
            tasks.add(Echo.spawn(() -> {
                for (int i = 1; i <= messages; i++) {
                    links.getFirst().send(i);
                }
                links.getFirst().close();
            }));
            for (int stage = 0; stage < stages; stage++) {
                Channel<Integer> in = links.get(stage);
                Channel<Integer> out = links.get(stage + 1);
                AtomicInteger running = new AtomicInteger(workersPerStage);
                for (int w = 0; w < workersPerStage; w++) {
                    tasks.add(Echo.spawn(() -> {
                        for (int message : in) {
                            out.send(message);
                        }
                        if (running.decrementAndGet() == 0) {
                            out.close();
                        }
                    }));
                }
            }
            assertThat(tasks).hasSize(1000);
            BitSet received = new BitSet(messages + 1);
            int duplicates = 0;
            for (int message : links.getLast()) {
                if (received.get(message)) {
                    duplicates++;
                }
                received.set(message);
            }
            assertThat(duplicates).isZero();
            tasks.forEach(Task::join);
            return received;
        });

        assertThat(seen.cardinality()).isEqualTo(messages);
        assertThat(seen.nextSetBit(0)).isEqualTo(1);
        assertThat(seen.length() - 1).isEqualTo(messages);
    }

    @Test
    void cancellingAnEchoTaskParkedInSelectRemovesEveryRegistration() {
        Channel<Integer> a = Channel.unbuffered();
        Channel<Integer> b = Channel.buffered(1);
        Channel<Integer> c = Channel.unbuffered();

        runtime.block(() -> {
            Task<String> select = Echo.spawn(() -> Select.<String>create()
                    .onReceive(a, v -> "a")
                    .onReceiveOrClosed(b, r -> "b")
                    .onSend(c, 3, () -> "c")
                    .onTimeout(Duration.ofSeconds(20), () -> "timeout")
                    .run());
            while (a.waitingReceivers() + b.waitingReceivers() + c.waitingSenders() < 3) {
                Echo.yieldNow();
            }
            select.cancel();
            assertThatThrownBy(select::join).isInstanceOf(CancellationException.class);
            return null;
        });

        assertThat(List.of(a.waitingReceivers(), a.waitingSenders(), b.waitingReceivers(), b.waitingSenders(),
                c.waitingReceivers(), c.waitingSenders())).containsOnly(0);
        assertThat(c.tryReceive()).as("the cancelled send case sent nothing").isInstanceOf(Received.Empty.class);
    }

    @Test
    void pingPongBetweenTwoEchoTasksHandsEveryValueBack() {
        int rounds = 20_000;
        long sum = runtime.block(() -> {
            Channel<Integer> ping = Channel.unbuffered();
            Channel<Integer> pong = Channel.unbuffered();
            Task<Void> echo = Echo.spawn(() -> {
                for (int value : ping) {
                    pong.send(value + 1);
                }
            });
            long total = 0;
            for (int i = 0; i < rounds; i++) {
                ping.send(i);
                total += pong.receive();
            }
            ping.close();
            echo.join();
            return total;
        });

        assertThat(sum).isEqualTo((long) rounds * (rounds + 1) / 2);
    }

    @Test
    void enormousTimeoutWaitsOnEchoTimersWithoutDisturbingShortOnes() {
        List<Object> outcomes = runtime.block(() -> {
            Channel<Integer> ch = Channel.unbuffered();
            Task<Received<Integer>> patient = Echo.spawn(() -> ch.receive(Duration.ofSeconds(Long.MAX_VALUE)));
            while (ch.waitingReceivers() == 0) {
                Echo.yieldNow();
            }
            String shortWait = Select.<String>create()
                    .onReceive(Channel.<Integer>unbuffered(), v -> "received")
                    .onTimeout(Duration.ofMillis(5), () -> "timed out")
                    .run();
            ch.send(7);
            return List.of(shortWait, patient.join());
        });

        assertThat(outcomes).containsExactly("timed out", new Received.Value<>(7));
    }

    @Test
    void channelUsedOnlyByEchoTasksIsNotWakeableFromOutside() {
        Channel<Integer> ch = Channel.unbuffered();

        runtime.block(() -> {
            Task<Integer> receiver = Echo.spawn(() -> ch.receive());
            ch.send(1);
            return receiver.join();
        });

        assertThat(ch.wakeableFromOutside()).isFalse();
        ch.trySend(2);
        assertThat(ch.wakeableFromOutside()).as("a plain thread has used it now").isTrue();
    }

    @Test
    void taskParkedOnAChannelOnlyTasksUseIsReportedAsDeadlocked() {
        try (EchoRuntime own = EchoRuntime.builder().processors(1).name("deadlock")
                .shutdownGrace(Duration.ofMillis(100)).deadlockDetection(true).build()) {
            assertThatThrownBy(() -> own.block(() -> Channel.<Integer>unbuffered().receive()))
                    .isInstanceOf(DeadlockException.class).hasMessageContaining("receive on Channel#");
        }
    }

    /**
     * The plain thread touches the channel only after its sleep, so nothing marks the channel
     * "used from outside" while main waits: it is not reported because detection is off by
     * default (no closed world declared), not because of any mark.
     */
    @Test
    void taskParkedOnAChannelAPlainThreadUsesIsNotReportedAsDeadlocked() throws InterruptedException {
        Channel<Integer> ch = Channel.unbuffered();
        assertThat(ch.wakeableFromOutside()).isFalse();
        Thread plain = Thread.ofPlatform().daemon().start(() -> {
            while (ch.waitingReceivers() == 0) {
                Thread.onSpinWait();
            }
            // Several deadlock checks (every 100 ms, and at quiescence) pass while the task waits.
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            ch.send(42);
        });

        assertThat(runtime.block(() -> ch.receive())).isEqualTo(42);
        assertThat(plain.join(Duration.ofSeconds(5))).isTrue();
    }
}
