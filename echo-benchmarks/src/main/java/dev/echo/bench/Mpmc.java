package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxMpmc;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code mpmc}: one channel of capacity 1024, 4 producers, 4 consumers, 10,000,000 messages;
 * messages per second.
 *
 * <p>Each producer sends its share; message {@code i} is {@code Integer.valueOf(i & 127)},
 * which the JDK caches, so no system pays for allocating boxes (Go sends plain ints). Consumers
 * add up what they receive; the count and the sum are checked. Echo and kotlinx close the
 * channel once every producer is done and consumers drain it; the JDK queue has no close, so
 * four {@link #POISON} messages follow the data. The clock runs from the first spawn until
 * every consumer has ended.
 */
final class Mpmc extends Workload {

    static final int CAPACITY = 1024;
    static final int PRODUCERS = 4;
    static final int CONSUMERS = 4;
    static final int MESSAGES = 10_000_000;

    /** End of data for the vt consumers; outside the 0..127 range of real messages. */
    private static final Integer POISON = -1;

    Mpmc() {
        super("mpmc", "capacity-1024 channel, 4 producers, 4 consumers, 10,000,000 messages: msg/s",
                List.of(Metric.higher("mpmc", "msg/s")), List.of(ECHO, VT, KOTLINX));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int perProducer = MESSAGES / divisor / PRODUCERS;
        long messages = (long) perProducer * PRODUCERS;
        long expected = expectedSum(perProducer) * PRODUCERS;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(perProducer, messages, expected));
            case VT -> Vt.main(() -> vt(perProducer, messages, expected));
            case KOTLINX -> KotlinxMpmc.run(CAPACITY, PRODUCERS, CONSUMERS, perProducer, messages, expected);
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, messages / (nanos / 1e9)));
    }

    /** The sum of {@code i & 127} for {@code i} in {@code [0, perProducer)}. */
    static long expectedSum(int perProducer) {
        long sum = 0;
        for (int i = 0; i < perProducer; i++) {
            sum += i & 127;
        }
        return sum;
    }

    private static long echo(int perProducer, long messages, long expected) {
        Channel<Integer> channel = Channel.buffered(CAPACITY);
        LongAdder count = new LongAdder();
        LongAdder sum = new LongAdder();
        long start = System.nanoTime();
        List<Task<Void>> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            consumers.add(Echo.spawn(() -> {
                long n = 0;
                long s = 0;
                for (Integer value : channel) {
                    n++;
                    s += value;
                }
                count.add(n);
                sum.add(s);
            }));
        }
        List<Task<Void>> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            producers.add(Echo.spawn(() -> {
                for (int i = 0; i < perProducer; i++) {
                    channel.send(i & 127);
                }
            }));
        }
        producers.forEach(Task::join);
        channel.close();
        consumers.forEach(Task::join);
        long elapsed = System.nanoTime() - start;
        check(count.sum() == messages && sum.sum() == expected,
                "mpmc echo: " + count.sum() + " messages, sum " + sum.sum());
        return elapsed;
    }

    private static long vt(int perProducer, long messages, long expected) throws InterruptedException {
        ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(CAPACITY);
        LongAdder count = new LongAdder();
        LongAdder sum = new LongAdder();
        long start = System.nanoTime();
        Thread[] consumers = new Thread[CONSUMERS];
        for (int c = 0; c < CONSUMERS; c++) {
            consumers[c] = Vt.start(() -> {
                long n = 0;
                long s = 0;
                for (Integer value = queue.take(); value != POISON; value = queue.take()) {
                    n++;
                    s += value;
                }
                count.add(n);
                sum.add(s);
            });
        }
        Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            producers[p] = Vt.start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    queue.put(i & 127);
                }
            });
        }
        Vt.joinAll(producers);
        for (int c = 0; c < CONSUMERS; c++) {
            queue.put(POISON);
        }
        Vt.joinAll(consumers);
        long elapsed = System.nanoTime() - start;
        check(count.sum() == messages && sum.sum() == expected,
                "mpmc vt: " + count.sum() + " messages, sum " + sum.sum());
        return elapsed;
    }
}
