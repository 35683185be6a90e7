package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxParked;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.chan.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code parked}: 100,000 tasks, each parked receiving on its own unbuffered channel; bytes per
 * task, then all released (one message each) and finished.
 *
 * <p>Two metrics: {@code parked} is the growth of the heap in use after a full GC, divided by
 * the task count; {@code parked-rss} is the growth of the process's resident set, likewise.
 * Both cover everything one parked task costs: its task or thread object, its stack (a
 * virtual thread's stack chunk lives on the heap) or coroutine frame, its channel and the
 * handle the main task keeps to join it. For Echo each task parks on its own Echo
 * {@code Channel}; for vt on its own {@code SynchronousQueue}; for kotlinx on its own
 * rendezvous {@code Channel}.
 *
 * <p>Each measurement runs in a JVM of its own ({@link #isolated()}): a reused JVM keeps the
 * pages an earlier round touched, and would show almost no RSS growth. These children start
 * with a small heap ({@code -Xms64m}) that G1 grows as needed and shrinks after the full GC,
 * so RSS follows the live heap rather than every page ever allocated. RSS is still a coarse,
 * process-level figure (GC and allocator policy move it); the heap figure is the one to tune
 * against.
 *
 * <p>"Parked" is observed, not assumed: Echo tasks until {@link Task#status()} is
 * {@code WAITING}, virtual threads until {@link Thread#getState()} is {@code WAITING}. A
 * coroutine's suspension is not observable, so kotlinx waits until every coroutine has
 * reached the line before {@code receive()}, then 200 ms more.
 */
final class Parked extends Workload {

    static final int TASKS = 100_000;
    static final Metric HEAP = Metric.lower("parked", "bytes/task");
    static final Metric RSS = Metric.lower("parked-rss", "bytes/task");

    Parked() {
        super("parked", "100,000 tasks each parked on its own channel: heap bytes per task after GC, and RSS bytes per task",
                List.of(HEAP, RSS), List.of(ECHO, VT, KOTLINX));
    }

    @Override
    boolean isolated() {
        return true;
    }

    /**
     * Half the size: a parked task's stack holds interpreted frames (several times larger)
     * until the spawn and park paths are compiled, and a small warm-up left them interpreted
     * in some JVMs (vt measured 1,200-2,000 bytes/task after a warm-up of 100 tasks, a steady
     * 760-790 after one of 50,000).
     */
    @Override
    int warmupDivisor() {
        return 2;
    }

    @Override
    List<String> jvmOptions() {
        return List.of("-Xms64m", "-Xmx2g");
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int n = TASKS / divisor;
        Footprint grown = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(n));
            case VT -> Vt.main(() -> vt(n));
            case KOTLINX -> {
                long[] figures = KotlinxParked.run(n, () -> Footprint.afterGc().toArray());
                yield new Footprint(figures[0], figures[1]);
            }
            default -> throw notMeasured(this, contender);
        };
        List<Sample> samples = new ArrayList<>();
        samples.add(HEAP.sample(contender, (double) grown.heapBytes() / n));
        if (Footprint.rss() >= 0) {
            samples.add(RSS.sample(contender, (double) grown.rssBytes() / n));
        }
        return samples;
    }

    private static Footprint echo(int n) {
        Footprint base = Footprint.afterGc();
        List<Channel<Integer>> channels = new ArrayList<>(n);
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Channel<Integer> channel = Channel.unbuffered();
            channels.add(channel);
            tasks.add(Echo.spawn(() -> channel.receive()));
        }
        for (Task<Integer> task : tasks) {
            while (task.status() != TaskStatus.WAITING) {
                Echo.sleep(Duration.ofMillis(5));
            }
        }
        Footprint grown = Footprint.afterGc().minus(base);
        for (Channel<Integer> channel : channels) {
            channel.send(1);
        }
        long sum = 0;
        for (Task<Integer> task : tasks) {
            sum += task.join();
        }
        check(sum == n, "parked echo: " + sum + " of " + n + " released");
        return grown;
    }

    private static Footprint vt(int n) throws InterruptedException {
        Footprint base = Footprint.afterGc();
        List<SynchronousQueue<Integer>> queues = new ArrayList<>(n);
        List<Thread> threads = new ArrayList<>(n);
        LongAdder released = new LongAdder();
        for (int i = 0; i < n; i++) {
            SynchronousQueue<Integer> queue = new SynchronousQueue<>();
            queues.add(queue);
            threads.add(Vt.start(() -> released.add(queue.take())));
        }
        for (Thread thread : threads) {
            while (thread.getState() != Thread.State.WAITING) {
                Thread.sleep(5);
            }
        }
        Footprint grown = Footprint.afterGc().minus(base);
        for (SynchronousQueue<Integer> queue : queues) {
            queue.put(1);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        check(released.sum() == n, "parked vt: " + released.sum() + " of " + n + " released");
        return grown;
    }
}
