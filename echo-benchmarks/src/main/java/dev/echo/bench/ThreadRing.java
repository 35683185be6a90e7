package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.FLOOR;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxThreadRing;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code threadring}: 503 tasks in a ring of unbuffered channels, a token passed 10,000,000
 * hops; ns per hop.
 *
 * <p>Task {@code i} receives from channel {@code i} and sends to channel {@code i+1 mod 503}.
 * The token is one mutable object (no boxing) holding the hops still to go; each hop takes one
 * off. The task that receives it at zero is the finisher: it must be task {@code hops mod 503},
 * which checks that the ring neither lost nor duplicated a hop. It then sends {@link #STOP}
 * round the ring (one more lap, 503 hops, under 0.01% of the run) and every task ends. The clock
 * runs from the first send of the token until every task has ended.
 *
 * <p>{@code floor}: the vt program on {@link Floor}'s one carrier with {@link Floor.Rendezvous}
 * links (each has one receiver, and one sender at a time: the main thread's first send into
 * link 0 is taken before task 502 ever sends there).
 */
final class ThreadRing extends Workload {

    static final int RING = 503;
    static final int HOPS = 10_000_000;

    /** The token: hops still to go. Only its current holder touches it. */
    static final class Token {
        int remaining;

        Token(int remaining) {
            this.remaining = remaining;
        }
    }

    /** Sent round the ring once the token has run out: each task forwards it and ends. */
    static final Token STOP = new Token(-1);

    ThreadRing() {
        super("threadring", "503 tasks in a ring of unbuffered channels, a token passed 10,000,000 hops: ns per hop",
                List.of(Metric.lower("threadring", "ns/op")), List.of(ECHO, VT, KOTLINX, FLOOR));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int hops = HOPS / divisor;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(hops));
            case VT -> Vt.main(() -> vt(hops));
            case KOTLINX -> KotlinxThreadRing.run(RING, hops);
            case FLOOR -> Floor.main(floor -> floor(floor, hops));
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, (double) nanos / hops));
    }

    private static long echo(int hops) {
        List<Channel<Token>> ring = new ArrayList<>(RING);
        for (int i = 0; i < RING; i++) {
            ring.add(Channel.unbuffered());
        }
        AtomicInteger finisher = new AtomicInteger(-1);
        List<Task<Void>> tasks = new ArrayList<>(RING);
        for (int i = 0; i < RING; i++) {
            int self = i;
            Channel<Token> in = ring.get(i);
            Channel<Token> out = ring.get((i + 1) % RING);
            tasks.add(Echo.spawn(() -> {
                boolean finished = false;
                while (true) {
                    Token token = in.receive();
                    if (token == STOP) {
                        if (!finished) {
                            out.send(STOP);
                        }
                        return;
                    }
                    if (token.remaining == 0) {
                        finished = true;
                        finisher.set(self);
                        out.send(STOP);
                    } else {
                        token.remaining--;
                        out.send(token);
                    }
                }
            }));
        }
        long start = System.nanoTime();
        ring.getFirst().send(new Token(hops));
        for (Task<Void> task : tasks) {
            task.join();
        }
        long elapsed = System.nanoTime() - start;
        check(finisher.get() == hops % RING, "threadring echo: finished at task " + finisher.get());
        return elapsed;
    }

    private static long vt(int hops) throws InterruptedException {
        List<SynchronousQueue<Token>> ring = new ArrayList<>(RING);
        for (int i = 0; i < RING; i++) {
            ring.add(new SynchronousQueue<>());
        }
        AtomicInteger finisher = new AtomicInteger(-1);
        Thread[] threads = new Thread[RING];
        for (int i = 0; i < RING; i++) {
            int self = i;
            SynchronousQueue<Token> in = ring.get(i);
            SynchronousQueue<Token> out = ring.get((i + 1) % RING);
            threads[i] = Vt.start(() -> {
                boolean finished = false;
                while (true) {
                    Token token = in.take();
                    if (token == STOP) {
                        if (!finished) {
                            out.put(STOP);
                        }
                        return;
                    }
                    if (token.remaining == 0) {
                        finished = true;
                        finisher.set(self);
                        out.put(STOP);
                    } else {
                        token.remaining--;
                        out.put(token);
                    }
                }
            });
        }
        long start = System.nanoTime();
        ring.getFirst().put(new Token(hops));
        Vt.joinAll(threads);
        long elapsed = System.nanoTime() - start;
        check(finisher.get() == hops % RING, "threadring vt: finished at task " + finisher.get());
        return elapsed;
    }

    private static long floor(Floor floor, int hops) throws InterruptedException {
        List<Floor.Rendezvous<Token>> ring = new ArrayList<>(RING);
        for (int i = 0; i < RING; i++) {
            ring.add(new Floor.Rendezvous<>());
        }
        AtomicInteger finisher = new AtomicInteger(-1);
        Thread[] threads = new Thread[RING];
        for (int i = 0; i < RING; i++) {
            int self = i;
            Floor.Rendezvous<Token> in = ring.get(i);
            Floor.Rendezvous<Token> out = ring.get((i + 1) % RING);
            threads[i] = floor.start(() -> {
                boolean finished = false;
                while (true) {
                    Token token = in.receive();
                    if (token == STOP) {
                        if (!finished) {
                            out.send(STOP);
                        }
                        return;
                    }
                    if (token.remaining == 0) {
                        finished = true;
                        finisher.set(self);
                        out.send(STOP);
                    } else {
                        token.remaining--;
                        out.send(token);
                    }
                }
            });
        }
        long start = System.nanoTime();
        ring.getFirst().send(new Token(hops));
        Vt.joinAll(threads);
        long elapsed = System.nanoTime() - start;
        check(finisher.get() == hops % RING, "threadring floor: finished at task " + finisher.get());
        return elapsed;
    }
}
