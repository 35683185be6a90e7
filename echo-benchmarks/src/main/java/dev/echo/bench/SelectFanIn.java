package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;

import dev.echo.bench.kotlinx.KotlinxSelect;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Select;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code select}: one task selecting over 4 unbuffered channels, each fed by its own producer,
 * 4,000,000 messages in all; ns per message.
 *
 * <p>The consumer builds one {@link Select} with four receive cases and runs it once per
 * message (Go's {@code for { select { ... } }}); the sum of the messages is checked. Message
 * {@code i} is {@code i & 127} (cached boxes, as in {@link Mpmc}). kotlinx uses
 * {@code selectUnbiased}, which like Go's and Echo's select picks at random among ready cases
 * (its plain {@code select} prefers the first). Plain virtual threads have no select, so there
 * is no vt variant; the goal compares Echo's select with Echo's own pingpong, which the
 * report adds as a note.
 */
final class SelectFanIn extends Workload {

    static final int CHANNELS = 4;
    static final int MESSAGES = 4_000_000;

    SelectFanIn() {
        super("select", "one task selecting over 4 channels fed by 4 producers, 4,000,000 messages: ns per message",
                List.of(Metric.lower("select", "ns/op")), List.of(ECHO, KOTLINX));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int perProducer = MESSAGES / divisor / CHANNELS;
        int messages = perProducer * CHANNELS;
        long expected = Mpmc.expectedSum(perProducer) * CHANNELS;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(perProducer, expected));
            case KOTLINX -> KotlinxSelect.run(CHANNELS, perProducer, expected);
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, (double) nanos / messages));
    }

    private static long echo(int perProducer, long expected) {
        List<Channel<Integer>> channels = new ArrayList<>();
        Select<Integer> select = Select.create();
        for (int c = 0; c < CHANNELS; c++) {
            Channel<Integer> channel = Channel.unbuffered();
            channels.add(channel);
            select.onReceive(channel, value -> value);
        }
        long start = System.nanoTime();
        List<Task<Void>> producers = new ArrayList<>();
        for (Channel<Integer> channel : channels) {
            producers.add(Echo.spawn(() -> {
                for (int i = 0; i < perProducer; i++) {
                    channel.send(i & 127);
                }
            }));
        }
        long sum = 0;
        for (int m = perProducer * CHANNELS; m > 0; m--) {
            sum += select.run();
        }
        producers.forEach(Task::join);
        long elapsed = System.nanoTime() - start;
        check(sum == expected, "select echo: sum " + sum);
        return elapsed;
    }
}
