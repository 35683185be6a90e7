package dev.echo.runtime;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Linearizability of the processor run queue: one owner thread pushes, pops and uses the
 * run-next slot (the "owner" non-parallel group), other threads steal half or drain, exactly as
 * workers and the monitor do. Capacity 4 (the test knob), so overflow is reached, as Tokio's
 * loom tests shrink their queue.
 *
 * <p>Every operation that moves items out (overflow, steal, drain) moves them into a queue
 * private to the operation and returns them, so each item's fate is in the results: an item
 * lost or taken twice makes the history non-linearizable. (A shared global queue as the
 * target would not be linearizable together with the ring: items are in flight between the
 * two for a moment, which the scheduler tolerates by design.)
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class LocalRunQueueLincheckTest {

    private static final int CAPACITY = 4;

    /** A runnable that is only a value. */
    record Item(int value) implements Runnable {
        @Override
        public void run() {
        }
    }

    private final LocalRunQueue queue = new LocalRunQueue(CAPACITY);

    /** Returns what overflowed to the global queue (empty if the ring had room). */
    @Operation(nonParallelGroup = "owner")
    public List<Integer> push(@Param(name = "value") int value) {
        InjectQueue overflow = new InjectQueue();
        queue.push(new Item(value), overflow);
        return drained(overflow);
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pop() {
        return valueOf(queue.pop());
    }

    /** A wake-up: into the run-next slot; returns the task displaced (the caller then pushes it). */
    @Operation(nonParallelGroup = "owner")
    public Integer offerRunNext(@Param(name = "value") int value) {
        return valueOf(queue.offerRunNext(new Item(value)));
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pollRunNext() {
        return valueOf(queue.pollRunNext());
    }

    /** A thief: everything it took, in queue order. */
    @Operation
    public List<Integer> steal() {
        LocalRunQueue mine = new LocalRunQueue(CAPACITY);
        Runnable first = queue.stealInto(mine);
        List<Integer> taken = new ArrayList<>();
        if (first == null) {
            return taken;
        }
        for (Runnable r; (r = mine.pop()) != null; ) {
            taken.add(((Item) r).value());
        }
        taken.add(((Item) first).value());
        return taken;
    }

    /** The monitor's hand-off, first step. */
    @Operation
    public List<Integer> drainRunNext() {
        InjectQueue target = new InjectQueue();
        queue.drainRunNextTo(target);
        return drained(target);
    }

    /** The monitor's hand-off, second step. */
    @Operation
    public List<Integer> drainRing() {
        InjectQueue target = new InjectQueue();
        queue.drainRingTo(target);
        return drained(target);
    }

    private static List<Integer> drained(InjectQueue target) {
        List<Integer> values = new ArrayList<>();
        for (Runnable r; (r = target.poll()) != null; ) {
            values.add(((Item) r).value());
        }
        return values;
    }

    private static Integer valueOf(Runnable r) {
        return r == null ? null : ((Item) r).value();
    }

    private static final int SCALE = Integer.getInteger("echo.lincheck.scale", 1);

    @Test
    void modelCheckingFindsNoNonLinearizableExecution() {
        // Iterations scale with -Decho.lincheck.scale (default 1), as the channel suites do: the
        // default suite must stay within its time budget on 2 cores; deep runs raise it.
        new ModelCheckingOptions()
                .iterations(20 * SCALE)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(3)
                .sequentialSpecification(Spec.class)
                .check(getClass());
    }

    @Test
    void stressFindsNoNonLinearizableExecution() {
        new StressOptions()
                .iterations(12 * SCALE)
                .invocationsPerIteration(2_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(3)
                .sequentialSpecification(Spec.class)
                .check(getClass());
    }

    /** The sequential behaviour the queue must be linearizable to. */
    public static final class Spec {
        private final ArrayDeque<Integer> ring = new ArrayDeque<>();
        private Integer runNext;

        public List<Integer> push(int value) {
            return pushValue(value);
        }

        private List<Integer> pushValue(int value) {
            List<Integer> overflow = new ArrayList<>();
            if (ring.size() < CAPACITY) {
                ring.addLast(value);
                return overflow;
            }
            int half = ring.size() / 2;
            for (int i = 0; i < half; i++) {
                overflow.add(ring.pollFirst());
            }
            overflow.add(value);
            return overflow;
        }

        public Integer pop() {
            return ring.pollFirst();
        }

        public Integer offerRunNext(int value) {
            Integer displaced = runNext;
            runNext = value;
            return displaced;
        }

        public Integer pollRunNext() {
            Integer r = runNext;
            runNext = null;
            return r;
        }

        public List<Integer> steal() {
            int n = ring.size() - ring.size() / 2;
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                taken.add(ring.pollFirst());
            }
            return taken;
        }

        public List<Integer> drainRunNext() {
            List<Integer> moved = new ArrayList<>();
            if (runNext != null) {
                moved.add(runNext);
                runNext = null;
            }
            return moved;
        }

        public List<Integer> drainRing() {
            List<Integer> moved = new ArrayList<>(ring);
            ring.clear();
            return moved;
        }
    }
}
