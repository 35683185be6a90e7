package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A processor's bounded run queue (package-private), single-threaded and under a bounded stress. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalRunQueueTest {

    /** A runnable that only carries an id. */
    record Item(int id) implements Runnable {
        @Override
        public void run() {
        }
    }

    private final LocalRunQueue queue = new LocalRunQueue();
    private final InjectQueue global = new InjectQueue();

    private static List<Integer> drainIds(LocalRunQueue q) {
        List<Integer> ids = new ArrayList<>();
        Runnable r;
        while ((r = q.pop()) != null) {
            ids.add(((Item) r).id());
        }
        return ids;
    }

    private static List<Integer> drainIds(InjectQueue q) {
        List<Integer> ids = new ArrayList<>();
        Runnable r;
        while ((r = q.poll()) != null) {
            ids.add(((Item) r).id());
        }
        return ids;
    }

    private static List<Integer> range(int from, int toExclusive) {
        List<Integer> ids = new ArrayList<>();
        for (int i = from; i < toExclusive; i++) {
            ids.add(i);
        }
        return ids;
    }

    @Test
    void popIsFifo() {
        for (int i = 0; i < 10; i++) {
            assertThat(queue.push(new Item(i), global)).isTrue();
        }
        assertThat(queue.size()).isEqualTo(10);
        assertThat(drainIds(queue)).containsExactlyElementsOf(range(0, 10));
        assertThat(queue.pop()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void fifoHoldsAcrossTheRingsWrapAround() {
        int next = 0;
        List<Integer> popped = new ArrayList<>();
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 100; i++) {
                queue.push(new Item(next++), global);
            }
            for (int i = 0; i < 95; i++) {
                popped.add(((Item) queue.pop()).id());
            }
        }
        popped.addAll(drainIds(queue));
        assertThat(popped).containsExactlyElementsOf(range(0, next));
        assertThat(global.isEmpty()).isTrue();
    }

    @Test
    void overflowMovesTheOlderHalfAndTheNewTaskToTheGlobalQueue() {
        int capacity = LocalRunQueue.CAPACITY;
        for (int i = 0; i < capacity; i++) {
            assertThat(queue.push(new Item(i), global)).as("push %d fits", i).isTrue();
        }
        assertThat(global.size()).isZero();

        assertThat(queue.push(new Item(capacity), global)).as("the push that overflows").isFalse();

        List<Integer> expectedGlobal = range(0, capacity / 2);
        expectedGlobal.add(capacity);
        assertThat(global.size()).isEqualTo(capacity / 2 + 1);
        assertThat(queue.size()).isEqualTo(capacity / 2);
        assertThat(drainIds(global)).containsExactlyElementsOf(expectedGlobal);
        assertThat(drainIds(queue)).containsExactlyElementsOf(range(capacity / 2, capacity));
    }

    @Test
    void stealTakesHalfRoundedUpOfTheOldestAndLeavesTheRest() {
        for (int i = 0; i < 5; i++) {
            queue.push(new Item(i), global);
        }
        LocalRunQueue thief = new LocalRunQueue();
        Runnable first = queue.stealInto(thief);

        assertThat(first).isNotNull();
        List<Integer> stolen = new ArrayList<>();
        stolen.add(((Item) first).id());
        stolen.addAll(drainIds(thief));
        assertThat(stolen).as("3 of 5 stolen").containsExactlyInAnyOrder(0, 1, 2);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(drainIds(queue)).containsExactly(3, 4);
    }

    @Test
    void stealOfASingleTaskReturnsItAndLeavesTheThiefsQueueEmpty() {
        queue.push(new Item(7), global);
        LocalRunQueue thief = new LocalRunQueue();
        assertThat(queue.stealInto(thief)).isEqualTo(new Item(7));
        assertThat(thief.isEmpty()).isTrue();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void stealFromAnEmptyQueueReturnsNull() {
        assertThat(queue.stealInto(new LocalRunQueue())).isNull();
    }

    @Test
    void stealOfAFullQueueTakesHalf() {
        for (int i = 0; i < LocalRunQueue.CAPACITY; i++) {
            queue.push(new Item(i), global);
        }
        LocalRunQueue thief = new LocalRunQueue();
        Runnable first = queue.stealInto(thief);
        assertThat(first).isNotNull();
        assertThat(thief.size() + 1).isEqualTo(LocalRunQueue.CAPACITY / 2);
        assertThat(queue.size()).isEqualTo(LocalRunQueue.CAPACITY / 2);
    }

    @Test
    void runNextSlotHoldsOneTaskAndIsNotStolenButIsDrained() {
        Item a = new Item(1);
        Item b = new Item(2);
        assertThat(queue.offerRunNext(a)).isNull();
        assertThat(queue.offerRunNext(b)).as("displaced").isEqualTo(a);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.isEmpty()).isFalse();
        assertThat(queue.stealInto(new LocalRunQueue())).as("run-next is not stolen").isNull();
        assertThat(queue.pollRunNext()).isEqualTo(b);
        assertThat(queue.pollRunNext()).isNull();

        queue.offerRunNext(a);
        queue.push(new Item(3), global);
        queue.push(new Item(4), global);
        assertThat(queue.drainTo(global)).isEqualTo(3);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(drainIds(global)).containsExactlyInAnyOrder(1, 3, 4);
    }

    @Test
    void wokenTaskOverflowGoesAheadOfTheGlobalBacklog() {
        global.push(new Item(-1)); // a spawning burst's overflow, already waiting
        for (int i = 0; i < LocalRunQueue.CAPACITY; i++) {
            queue.push(new Item(i), global);
        }
        assertThat(queue.pushWoken(new Item(1000), global)).as("overflowed").isFalse();
        List<Integer> expected = new ArrayList<>(range(0, LocalRunQueue.CAPACITY / 2));
        expected.add(1000);
        expected.add(-1);
        assertThat(drainIds(global)).containsExactlyElementsOf(expected);
    }

    @Test
    void drainPutsTheProcessorsWorkAheadOfTheGlobalBacklog() {
        global.push(new Item(-1));
        queue.offerRunNext(new Item(100));
        queue.push(new Item(0), global);
        queue.push(new Item(1), global);
        assertThat(queue.drainTo(global)).isEqualTo(3);
        assertThat(drainIds(global)).containsExactly(100, 0, 1, -1);
    }

    @Test
    void drainMovesEverythingInOrder() {
        for (int i = 0; i < 20; i++) {
            queue.push(new Item(i), global);
        }
        assertThat(queue.drainTo(global)).isEqualTo(20);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(drainIds(global)).containsExactlyElementsOf(range(0, 20));
    }

    /**
     * One owner pushes (and sometimes pops), two thieves steal into queues of their own and pop
     * them empty; overflow lands in a global queue. For about a second. Every element must be
     * taken exactly once.
     */
    @Test
    @Timeout(60)
    void concurrentPushPopAndStealTakeEveryElementExactlyOnce() throws Exception {
        int maxItems = 20_000_000;
        AtomicIntegerArray taken = new AtomicIntegerArray(maxItems);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong steals = new AtomicLong();
        AtomicLong ownerPops = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        int[] pushed = new int[1];

        Runnable owner = () -> {
            try {
                start.await();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
                int next = 0;
                int step = 0;
                while (System.nanoTime() - end < 0 && next < maxItems - 16) {
                    int burst = 1 + (step++ % 7);
                    for (int i = 0; i < burst; i++) {
                        queue.push(new Item(next++), global);
                    }
                    int pops = step % 3;
                    for (int i = 0; i < pops; i++) {
                        Runnable r = queue.pop();
                        if (r != null) {
                            ownerPops.incrementAndGet();
                            record(taken, r, failure);
                        }
                    }
                }
                pushed[0] = next;
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                stop.set(true);
            }
        };
        Runnable thief = () -> {
            LocalRunQueue mine = new LocalRunQueue();
            try {
                start.await();
                while (!stop.get()) {
                    Runnable r = queue.stealInto(mine);
                    if (r == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    steals.incrementAndGet();
                    record(taken, r, failure);
                    Runnable x;
                    while ((x = mine.pop()) != null) {
                        record(taken, x, failure);
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        List<Thread> threads = List.of(new Thread(owner, "lrq-owner"), new Thread(thief, "lrq-thief-1"),
                new Thread(thief, "lrq-thief-2"));
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        }
        assertThat(failure.get()).isNull();

        Runnable r;
        while ((r = queue.pop()) != null) {
            record(taken, r, failure);
        }
        while ((r = global.poll()) != null) {
            record(taken, r, failure);
        }
        assertThat(failure.get()).isNull();
        int n = pushed[0];
        assertThat(n).as("items pushed").isGreaterThan(10_000);
        assertThat(steals.get()).as("the thieves stole").isPositive();
        assertThat(ownerPops.get()).as("the owner popped").isPositive();
        int missing = 0;
        int firstMissing = -1;
        for (int i = 0; i < n; i++) {
            int count = taken.get(i);
            if (count != 1) {
                missing++;
                if (firstMissing < 0) {
                    firstMissing = i;
                }
            }
        }
        assertThat(missing).as("items not taken exactly once (first: %d)", firstMissing).isZero();
        for (int i = n; i < Math.min(maxItems, n + 100); i++) {
            assertThat(taken.get(i)).isZero();
        }
    }

    private static void record(AtomicIntegerArray taken, Runnable r, AtomicReference<Throwable> failure) {
        int id = ((Item) r).id();
        if (taken.incrementAndGet(id) != 1) {
            failure.compareAndSet(null, new AssertionError("item " + id + " taken twice"));
        }
    }
}
