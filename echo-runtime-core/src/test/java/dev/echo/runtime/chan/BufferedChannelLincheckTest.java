package dev.echo.runtime.chan;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a buffered channel (capacity 2) against a bounded FIFO queue with a closed
 * flag, under Lincheck's model checker (every interleaving of the lock, the queues and the
 * waiter CASes, up to its bounds) and under stress.
 *
 * <p>Besides the non-waiting operations, {@link #sendRacingItsTimeout} and
 * {@link #receiveRacingItsTimeout} register as parked waiters with a deadline that has already
 * passed: each then races its own timeout (the waiter's CANCELLED CAS) against counterparts that
 * try to complete it (the claim CAS). For a buffered channel such an operation is linearizable
 * as its non-waiting counterpart: if it completes, it completed at the counterpart's step; if it
 * times out, it saw a full (or empty) buffer when it registered. A lost or duplicated message, a
 * send reported failed but received, or a wrong size breaks linearizability, and Lincheck prints
 * the interleaving.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class BufferedChannelLincheckTest {

    /** Multiplies the exploration budget: -Decho.lincheck.scale=10 for a deeper run. */
    private static final int SCALE = Integer.getInteger("echo.lincheck.scale", 1);

    private static final int CAPACITY = 2;

    private final Channel<Integer> channel = Channel.buffered(CAPACITY);

    @Operation
    public Object trySend(@Param(name = "value") int value) {
        try {
            return channel.trySend(value);
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object sendRacingItsTimeout(@Param(name = "value") int value) {
        try {
            return channel.send(value, System.nanoTime(), true);
        } catch (ChannelClosedException e) {
            return "closed";
        }
    }

    @Operation
    public Object tryReceive() {
        return outcome(channel.receive(0, false));
    }

    @Operation
    public Object receiveRacingItsTimeout() {
        return outcome(channel.receive(System.nanoTime(), true));
    }

    @Operation
    public Object close() {
        try {
            channel.close();
            return "closed it";
        } catch (IllegalStateException e) {
            return "already closed";
        }
    }

    @Operation
    public int size() {
        return channel.size();
    }

    @Test
    void isLinearizableUnderModelChecking() {
        new ModelCheckingOptions()
                .iterations(8 * SCALE)
                .invocationsPerIteration(150)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(BoundedQueue.class)
                .check(getClass());
    }

    @Test
    void isLinearizableUnderStress() {
        new StressOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(400)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(BoundedQueue.class)
                .check(getClass());
    }

    static Object outcome(Object polled) {
        if (polled == Channel.NOTHING) {
            return "empty";
        }
        if (polled == Channel.CLOSED) {
            return "closed";
        }
        return polled;
    }

    /** The sequential specification: a FIFO queue of at most {@link #CAPACITY} that can close. */
    public static final class BoundedQueue {
        private final ArrayDeque<Integer> queue = new ArrayDeque<>();
        private boolean closed;

        public Object trySend(int value) {
            if (closed) {
                return "closed";
            }
            if (queue.size() == CAPACITY) {
                return false;
            }
            queue.add(value);
            return true;
        }

        public Object sendRacingItsTimeout(int value) {
            return trySend(value);
        }

        public Object tryReceive() {
            if (!queue.isEmpty()) {
                return queue.poll();
            }
            return closed ? "closed" : "empty";
        }

        public Object receiveRacingItsTimeout() {
            return tryReceive();
        }

        public Object close() {
            if (closed) {
                return "already closed";
            }
            closed = true;
            return "closed it";
        }

        public int size() {
            return queue.size();
        }
    }
}
