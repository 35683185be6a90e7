package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go's classic channel test programs, ported: the concurrent prime sieve, {@code test/chan/fifo.go},
 * {@code test/chan/nonblock.go}, {@code test/chan/select3.go}, and a large pipeline, on plain JDK
 * virtual threads (channels must work for code outside Echo too); {@link EchoTaskChannelsTest}
 * runs the sieve and the pipeline inside real Echo tasks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GoChannelProgramsTest {

    // ## The concurrent prime sieve (Go's doc/play/sieve.go) ##

    @Test
    void primeSieveAsChainOfTasksYieldsTheFirstThousandPrimes() throws Exception {
        List<Thread> tasks = new ArrayList<>();
        List<Integer> primes = new ArrayList<>();
        try {
            Channel<Integer> numbers = Channel.unbuffered();
            tasks.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 2; ; i++) {
                        numbers.send(i);
                    }
                } catch (CancellationException expected) {
                    // the sieve has its primes
                }
            }));
            Channel<Integer> in = numbers;
            for (int i = 0; i < 1000; i++) {
                int prime = in.receive();
                primes.add(prime);
                Channel<Integer> out = Channel.unbuffered();
                tasks.add(Thread.ofVirtual().start(filter(in, out, prime)));
                in = out;
            }
        } finally {
            tasks.forEach(Thread::interrupt);
            for (Thread task : tasks) {
                assertThat(task.join(Duration.ofSeconds(5))).as("cancelled sieve task ends").isTrue();
            }
        }

        assertThat(primes).containsExactlyElementsOf(primesBySieveOfEratosthenes(1000));
        assertThat(primes.getLast()).isEqualTo(7919);
    }

    private static Runnable filter(Channel<Integer> in, Channel<Integer> out, int prime) {
        return () -> {
            try {
                for (;;) {
                    int candidate = in.receive();
                    if (candidate % prime != 0) {
                        out.send(candidate);
                    }
                }
            } catch (CancellationException expected) {
                // the sieve is done with this task
            }
        };
    }

    private static List<Integer> primesBySieveOfEratosthenes(int count) {
        BitSet composite = new BitSet();
        List<Integer> primes = new ArrayList<>();
        for (int n = 2; primes.size() < count; n++) {
            if (!composite.get(n)) {
                primes.add(n);
                for (int multiple = n * n; multiple < 10_000; multiple += n) {
                    composite.set(multiple);
                }
            }
        }
        return primes;
    }

    // ## test/chan/fifo.go ##

    @Test
    void bufferedChannelIsFifo() {
        int n = 1000;
        Channel<Integer> ch = Channel.buffered(n);
        for (int i = 0; i < n; i++) {
            ch.send(i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(ch.receive()).isEqualTo(i);
        }
    }

    /**
     * Go's SynchFifo: a daisy chain of tasks, each waiting for its predecessor's token before it
     * receives one value from the shared unbuffered channel; task i must receive exactly i, so
     * the values sent in order are handed out in order.
     */
    @Test
    void unbufferedChannelIsStrictlyFifo() throws Exception {
        int n = 1000;
        Channel<Integer> ch = Channel.unbuffered();
        Channel<Integer> start = Channel.unbuffered();
        Channel<Integer> in = start;
        AtomicInteger outOfOrder = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            Channel<Integer> out = Channel.unbuffered();
            Channel<Integer> previous = in;
            int expected = i;
            Thread.ofVirtual().start(() -> {
                previous.receive();
                if (ch.receive() != expected) {
                    outOfOrder.incrementAndGet();
                }
                out.send(1);
            });
            in = out;
        }

        start.send(0);
        for (int i = 0; i < n; i++) {
            ch.send(i);
        }
        in.receive();

        assertThat(outOfOrder).hasValue(0);
    }

    // ## test/chan/nonblock.go ##

    /**
     * For channels of several sizes: non-blocking operations on an idle channel fail; a
     * non-blocking send (plain and as a select with default) eventually meets a receiving task;
     * a non-blocking receive eventually meets a sending task.
     */
    @Test
    void nonBlockingOperationsWorkOnChannelsOfSeveralSizes() throws Exception {
        for (int size : new int[] {0, 1, 2, 4, 8}) {
            Channel<Integer> ch = Channel.buffered(size);
            assertThat(ch.tryReceive()).as("size %d: idle receive", size).isInstanceOf(Received.Empty.class);
            assertThat(Select.<Boolean>create().onReceive(ch, v -> true).onDefault(() -> false).run())
                    .as("size %d: idle select receive", size).isFalse();

            CompletableFuture<Integer> receiver = TestThreads.virtual(ch::receive).outcome();
            retryUntil(() -> ch.trySend(123), "size " + size + ": trySend to a receiving task");
            assertThat(receiver.get(5, TimeUnit.SECONDS)).isEqualTo(123);

            CompletableFuture<Integer> selectReceiver = TestThreads.virtual(ch::receive).outcome();
            retryUntil(() -> Select.<Boolean>create().onSend(ch, 124, () -> true).onDefault(() -> false).run(),
                    "size " + size + ": select send to a receiving task");
            assertThat(selectReceiver.get(5, TimeUnit.SECONDS)).isEqualTo(124);

            CompletableFuture<Object> sender = TestThreads.virtual(() -> {
                ch.send(234);
                return null;
            }).outcome();
            List<Integer> got = new ArrayList<>();
            retryUntil(() -> ch.tryReceive() instanceof Received.Value<Integer>(Integer v) && got.add(v),
                    "size " + size + ": tryReceive from a sending task");
            assertThat(got).containsExactly(234);
            sender.get(5, TimeUnit.SECONDS);

            for (int i = 0; i < size; i++) {
                assertThat(ch.trySend(i)).as("size %d: slot %d", size, i).isTrue();
            }
            assertThat(ch.trySend(-1)).as("size %d: full", size).isFalse();
        }
    }

    private static void retryUntil(Supplier<Boolean> attempt, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!attempt.get()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            Thread.yield();
        }
    }

    // ## test/chan/select3.go (Java has no nil channel: null is rejected, see SelectTest) ##

    @Test
    void closeAndSelectSemanticsMatchGoSelect3() throws Exception {
        Channel<Integer> closed = Channel.unbuffered();
        closed.close();

        expectNeverBlocks("send to a buffered channel with room", () -> Channel.<Integer>buffered(1).send(7));
        expectNeverBlocks("receive from a closed channel, ten times", () -> {
            for (int i = 0; i < 10; i++) {
                assertThat(closed.tryReceive()).isInstanceOf(Received.Closed.class);
                assertThat(closed.receive(Duration.ofDays(1))).isInstanceOf(Received.Closed.class);
                assertThatThrownBy(closed::receive).isInstanceOf(ChannelClosedException.class);
            }
        });
        assertThatThrownBy(() -> closed.send(7)).as("send to a closed channel panics")
                .isInstanceOf(ChannelClosedException.class);
        expectAlwaysBlocks("receive from a channel with nothing", () -> Channel.<Integer>unbuffered().receive());
        expectAlwaysBlocks("select on a non-ready channel",
                () -> Select.<Integer>create().onReceive(Channel.<Integer>unbuffered(), v -> v).run());
        expectNeverBlocks("select with a ready send case", () -> assertThat(Select.<String>create()
                .onSend(Channel.<Integer>buffered(1), 7, () -> "sent").onDefault(() -> "default").run())
                .isEqualTo("sent"));
        expectNeverBlocks("select with a ready receive case", () -> {
            Channel<Integer> ch = Channel.buffered(1);
            ch.send(7);
            assertThat(Select.<Integer>create().onReceive(ch, v -> v).onDefault(() -> -1).run()).isEqualTo(7);
        });
        expectNeverBlocks("select receiving from a closed channel", () -> assertThat(Select.<Boolean>create()
                .onReceiveOrClosed(closed, Received::isClosed).run()).isTrue());
        assertThatThrownBy(() -> Select.<String>create().onSend(closed, 7, () -> "sent").run())
                .as("select sending to a closed channel panics").isInstanceOf(ChannelClosedException.class);
        expectAlwaysBlocks("select that sees itself", () -> {
            Channel<Integer> ch = Channel.unbuffered();
            Select.<String>create().onSend(ch, 1, () -> "sent").onReceive(ch, v -> "received").run();
        });
    }

    private static void expectNeverBlocks(String what, Runnable body) {
        var started = TestThreads.virtual(() -> {
            body.run();
            return null;
        });
        assertThat(started.outcome()).as(what).succeedsWithin(Duration.ofSeconds(5));
    }

    private static void expectAlwaysBlocks(String what, Runnable body) throws Exception {
        var started = TestThreads.virtual(() -> {
            body.run();
            return null;
        });
        assertThatThrownBy(() -> started.outcome().get(100, TimeUnit.MILLISECONDS)).as(what)
                .isInstanceOf(TimeoutException.class);
        started.thread().interrupt();
        assertThat(started.thread().join(Duration.ofSeconds(5))).as(what + ": cancelled").isTrue();
    }

    // ## A large pipeline ##

    /**
     * 1,000,000 distinct messages through a pipeline of 1,000 tasks: one source, then three
     * stages of 333 workers each (an unbuffered channel into the first stage, buffered ones
     * after it), each stage fanning in to the next channel; the last worker of a stage closes
     * its output. The sink checks with a bitmap that every message arrived exactly once.
     */
    @Test
    void pipelineOfThousandTasksPassesMillionMessagesWithoutLossOrDuplication() throws Exception {
        int messages = 1_000_000;
        int stages = 3;
        int workersPerStage = 333;
        List<Channel<Integer>> links = List.of(Channel.unbuffered(), Channel.buffered(64),
                Channel.buffered(1024), Channel.buffered(256));
        List<Thread> tasks = new ArrayList<>();
        tasks.add(Thread.ofVirtual().start(() -> {
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
                tasks.add(Thread.ofVirtual().start(() -> {
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

        BitSet seen = new BitSet(messages + 1);
        long count = 0;
        long sum = 0;
        int duplicates = 0;
        for (int message : links.getLast()) {
            if (seen.get(message)) {
                duplicates++;
            }
            seen.set(message);
            count++;
            sum += message;
        }

        assertThat(duplicates).isZero();
        assertThat(count).isEqualTo(messages);
        assertThat(seen.cardinality()).isEqualTo(messages);
        assertThat(sum).isEqualTo((long) messages * (messages + 1) / 2);
        for (Thread task : tasks) {
            assertThat(task.join(Duration.ofSeconds(5))).isTrue();
        }
    }
}
