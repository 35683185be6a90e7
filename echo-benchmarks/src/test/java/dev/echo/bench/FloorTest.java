package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The floor scheduler and its rendezvous: counts, never timings. */
class FloorTest {

    @Test
    void everyVirtualThreadRunsToCompletionOnTheOneCarrier() throws Exception {
        int n = 10_000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger onCarrier = new AtomicInteger();

        Floor.main(floor -> {
            List<Thread> threads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                threads.add(floor.start(() -> {
                    Thread.yield(); // a re-submission from the carrier's own thread
                    ran.incrementAndGet();
                    if (Thread.currentThread().isVirtual() && floor.carriesCurrentThread()) {
                        onCarrier.incrementAndGet();
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            return null;
        });

        assertThat(ran).hasValue(n);
        assertThat(onCarrier).hasValue(n);
    }

    @Test
    void pingPongDeliversEveryMessageInOrder() throws Exception {
        int roundTrips = 5_000;

        long[] received = Floor.main(floor -> {
            Floor.Rendezvous<Integer> ping = new Floor.Rendezvous<>();
            Floor.Rendezvous<Integer> pong = new Floor.Rendezvous<>();
            long[] counts = new long[3]; // messages, in order, replies in order
            Thread ponger = floor.start(() -> {
                for (int i = 0; i < roundTrips; i++) {
                    int value = ping.receive();
                    counts[0]++;
                    if (value == i) {
                        counts[1]++;
                    }
                    pong.send(-value);
                }
            });
            for (int i = 0; i < roundTrips; i++) {
                ping.send(i);
                if (pong.receive() == -i) {
                    counts[2]++;
                }
            }
            ponger.join();
            return counts;
        });

        assertThat(received).containsExactly(roundTrips, roundTrips, roundTrips);
    }

    @Test
    void theSuitesFloorProgramsCheckTheirOwnResults() throws Exception {
        // Each throws IllegalStateException on a lost message or a wrong sum.
        long pingpong = Floor.main(floor -> PingPong.floor(floor, 3_000));
        long spawnjoin = Floor.main(floor -> SpawnJoin.floor(floor, 3_000, 3_000L * 2_999 / 2));

        assertThat(pingpong).isPositive();
        assertThat(spawnjoin).isPositive();
    }

    @Test
    void aSecondWaitingReceiverIsRejected() throws Exception {
        String failure = Floor.main(floor -> {
            Floor.Rendezvous<String> link = new Floor.Rendezvous<>();
            Thread first = floor.start(link::receive);
            Thread.yield(); // the carrier runs first, which parks in receive()
            try {
                link.receive();
                return "accepted";
            } catch (IllegalStateException e) {
                return e.getMessage();
            } finally {
                link.send("release");
                first.join();
            }
        });

        assertThat(failure).isEqualTo("a second receiver on a one-receiver rendezvous");
    }

    @Test
    void closingTheFloorEndsItsCarrier() throws Exception {
        Floor floor = new Floor();
        Thread thread = floor.startPlain(() -> { });
        thread.join();

        floor.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("floor-carrier"));
    }
}
