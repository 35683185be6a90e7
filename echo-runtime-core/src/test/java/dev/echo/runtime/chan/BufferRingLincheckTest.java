package dev.echo.runtime.chan;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link BufferRing}'s lock-free fast path at its boundaries: capacity 3 (a
 * ring of 4 slots, so the count limit and the slot wrap differ) with enough operations per
 * thread that positions lap the ring, and with lock-taking operations (close, size, operations
 * that park against their own timeout) interleaved so that fast claims race the lock holder's
 * LOCKED bit. The specification is the bounded FIFO of {@link BufferedChannelLincheckTest} with
 * capacity 3.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class BufferRingLincheckTest {

    private static final int SCALE = Integer.getInteger("echo.lincheck.scale", 1);
    private static final int CAPACITY = 3;

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
        return BufferedChannelLincheckTest.outcome(channel.receive(0, false));
    }

    @Operation
    public Object receiveRacingItsTimeout() {
        return BufferedChannelLincheckTest.outcome(channel.receive(System.nanoTime(), true));
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
                .actorsPerThread(3)
                .actorsBefore(3)
                .actorsAfter(1)
                .sequentialSpecification(Spec.class)
                .check(getClass());
    }

    @Test
    void isLinearizableUnderStress() {
        new StressOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(400)
                .threads(3)
                .actorsPerThread(4)
                .actorsBefore(3)
                .actorsAfter(2)
                .sequentialSpecification(Spec.class)
                .check(getClass());
    }

    /** A FIFO queue of at most {@link #CAPACITY} that can close. */
    public static final class Spec {
        private final java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
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
