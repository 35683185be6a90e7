package dev.echo.runtime.examples;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import dev.echo.runtime.chan.Received;

import java.util.ArrayList;
import java.util.List;

/**
 * The original design's "channel communication": tasks talk over channels instead of sharing
 * memory. Shows an unbuffered hand-off, a buffered producer/consumer ended by close, a worker
 * pool fanning out and back in, the non-blocking operations, and what close does to senders.
 */
public final class ChannelCommExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("channel").build()) {
            runtime.block(() -> {
                handOff();
                producerConsumer();
                workerPool();
                nonBlocking();
                return null;
            });
        }
    }

    /** Unbuffered: the send completes only when the receiver takes the value. */
    private static void handOff() {
        Channel<String> greetings = Channel.unbuffered();
        Task<Void> greeter = Echo.spawn(() -> greetings.send("hello from " + Echo.currentTask()));
        System.out.println("channel: unbuffered hand-off received '" + greetings.receive() + "'");
        greeter.join();
    }

    /** Buffered: the producer runs ahead by up to 4 values; close ends the consumer's loop. */
    private static void producerConsumer() {
        Channel<Integer> numbers = Channel.buffered(4);
        Echo.spawn(() -> {
            for (int i = 1; i <= 10; i++) {
                numbers.send(i);
            }
            numbers.close();
        });
        int sum = 0;
        for (int n : numbers) {
            sum += n;
        }
        System.out.println("channel: consumer summed 1..10 from a buffered(4) channel = " + sum
                + " (the loop ended at close)");
    }

    /** Fan-out to three workers over one channel, fan-in of their results over another. */
    private static void workerPool() {
        Channel<Integer> jobs = Channel.buffered(8);
        Channel<String> results = Channel.buffered(8);
        List<Task<Void>> workers = new ArrayList<>();
        for (int w = 1; w <= 3; w++) {
            int worker = w;
            workers.add(Echo.spawn(() -> {
                for (int job : jobs) {
                    results.send("job " + job + " squared by worker " + worker + " = " + job * job);
                }
            }));
        }
        Echo.spawn(() -> {
            for (int job = 1; job <= 6; job++) {
                jobs.send(job);
            }
            jobs.close();
        });
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add(results.receive());
        }
        workers.forEach(Task::join);
        lines.sort(null);
        lines.forEach(line -> System.out.println("channel: " + line));
    }

    /** trySend / tryReceive never wait; after close, buffered values drain before the close shows. */
    private static void nonBlocking() {
        Channel<String> box = Channel.buffered(1);
        System.out.println("channel: trySend(a) = " + box.trySend("a") + ", trySend(b) on a full buffer = "
                + box.trySend("b"));
        box.close();
        System.out.println("channel: after close, tryReceive = " + describe(box.tryReceive())
                + ", then " + describe(box.tryReceive()));
        try {
            box.send("c");
        } catch (ChannelClosedException e) {
            System.out.println("channel: send after close threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static String describe(Received<String> received) {
        return switch (received) {
            case Received.Value<String>(String value) -> "value '" + value + "'";
            case Received.Empty<String> empty -> "empty";
            case Received.Closed<String> closed -> "closed";
        };
    }
}
