package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.FLOOR;
import static dev.echo.bench.Contender.KOTLINX;
import static dev.echo.bench.Contender.VT;

import dev.echo.bench.kotlinx.KotlinxPingPong;
import dev.echo.runtime.Echo;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import java.util.List;
import java.util.concurrent.SynchronousQueue;

/**
 * {@code pingpong}: two tasks, an unbuffered channel each way, 1,000,000 round trips; ns per
 * round trip.
 *
 * <p>The main task is the pinger; a spawned task is the ponger. They bounce one mutable ball
 * (so no system pays for boxing), and the ponger counts the hits, which checks that no message
 * was lost. The clock runs from the first send to the last reply.
 *
 * <p>{@code floor} is the vt program on {@link Floor}'s one carrier with {@link Floor.Rendezvous}
 * in place of {@code SynchronousQueue}: the least an unbuffered channel costs (one CAS to wait,
 * one to claim, one unpark, one park per message), where the JDK queue on a non-default
 * scheduler also spins before every park (see {@link Floor.Rendezvous}). Same tasks, same ball,
 * same count, same clock.
 */
final class PingPong extends Workload {

    static final int ROUND_TRIPS = 1_000_000;

    PingPong() {
        super("pingpong", "two tasks, an unbuffered channel each way, 1,000,000 round trips: ns per round trip",
                List.of(Metric.lower("pingpong", "ns/op")), List.of(ECHO, VT, KOTLINX, FLOOR));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int n = ROUND_TRIPS / divisor;
        long nanos = switch (contender) {
            case ECHO -> session.echoMain(() -> echo(n));
            case VT -> Vt.main(() -> vt(n));
            case KOTLINX -> KotlinxPingPong.run(n);
            case FLOOR -> Floor.main(floor -> floor(floor, n));
            default -> throw notMeasured(this, contender);
        };
        return List.of(metric().sample(contender, (double) nanos / n));
    }

    static long echo(int n) {
        Channel<int[]> ping = Channel.unbuffered();
        Channel<int[]> pong = Channel.unbuffered();
        Task<Void> ponger = Echo.spawn(() -> {
            for (int i = 0; i < n; i++) {
                int[] ball = ping.receive();
                ball[0]++;
                pong.send(ball);
            }
        });
        int[] ball = new int[1];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ping.send(ball);
            pong.receive();
        }
        long elapsed = System.nanoTime() - start;
        ponger.join();
        check(ball[0] == n, "pingpong echo: " + ball[0] + " hits of " + n);
        return elapsed;
    }

    static long vt(int n) throws InterruptedException {
        SynchronousQueue<int[]> ping = new SynchronousQueue<>();
        SynchronousQueue<int[]> pong = new SynchronousQueue<>();
        Thread ponger = Vt.start(() -> {
            for (int i = 0; i < n; i++) {
                int[] ball = ping.take();
                ball[0]++;
                pong.put(ball);
            }
        });
        int[] ball = new int[1];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ping.put(ball);
            pong.take();
        }
        long elapsed = System.nanoTime() - start;
        ponger.join();
        check(ball[0] == n, "pingpong vt: " + ball[0] + " hits of " + n);
        return elapsed;
    }

    static long floor(Floor floor, int n) throws InterruptedException {
        Floor.Rendezvous<int[]> ping = new Floor.Rendezvous<>();
        Floor.Rendezvous<int[]> pong = new Floor.Rendezvous<>();
        Thread ponger = floor.start(() -> {
            for (int i = 0; i < n; i++) {
                int[] ball = ping.receive();
                ball[0]++;
                pong.send(ball);
            }
        });
        int[] ball = new int[1];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ping.send(ball);
            pong.receive();
        }
        long elapsed = System.nanoTime() - start;
        ponger.join();
        check(ball[0] == n, "pingpong floor: " + ball[0] + " hits of " + n);
        return elapsed;
    }
}
