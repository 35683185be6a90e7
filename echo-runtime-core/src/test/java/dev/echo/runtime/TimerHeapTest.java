package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Reactor's timer heap on its own (package-private). */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimerHeapTest {

    private final TimerHeap heap = new TimerHeap();
    private final List<String> fired = new ArrayList<>();
    private final long base = System.nanoTime();

    private TimerHeap.Entry schedule(long offset, String label) {
        return heap.schedule(base + offset, (Runnable) () -> fired.add(label));
    }

    /**
     * More due timers than one lock hold takes (TimerHeap.MAX_TAKE_PER_HOLD), spread over three
     * stripes with interleaved deadlines and many ties: fired in rounds, still in (deadline,
     * scheduling order) across stripes, each exactly once.
     */
    @Test
    void firingInBoundedRoundsKeepsTheOrderAcrossStripes() throws Exception {
        TimerHeap striped = new TimerHeap(3);
        int perThread = 3 * TimerHeap.MAX_TAKE_PER_HOLD + 17;
        List<TimerHeap.Entry> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> schedulers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int offset = t;
            schedulers.add(Thread.ofPlatform().unstarted(() -> {
                for (int i = 0; i < perThread; i++) {
                    TimerHeap.Entry[] self = new TimerHeap.Entry[1];
                    self[0] = striped.schedule(base + (i * 7L + offset) % 500, (Runnable) () -> order.add(self[0]));
                }
            }));
        }
        // Stripes are picked by thread id for plain threads: make sure three different ones are hit.
        schedulers.forEach(Thread::start);
        for (Thread t : schedulers) {
            t.join();
        }
        assertThat(striped.fireDue(base + 1_000)).isEqualTo(3 * perThread);
        assertThat(order).hasSize(3 * perThread).doesNotHaveDuplicates();
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i).before(order.get(i - 1))).as("timer %d fired after a later one", i).isFalse();
        }
        assertThat(striped.isEmpty()).isTrue();
    }

    @Test
    void firesInDeadlineOrderWithTiesInSchedulingOrder() {
        schedule(30, "c");
        schedule(10, "a1");
        schedule(20, "b");
        schedule(10, "a2");
        schedule(10, "a3");
        schedule(5, "first");

        assertThat(heap.fireDue(base + 100)).isEqualTo(6);
        assertThat(fired).containsExactly("first", "a1", "a2", "a3", "b", "c");
        assertThat(heap.isEmpty()).isTrue();
        assertThat(heap.nextDeadline()).isEqualTo(TimerHeap.NONE);
    }

    @Test
    void firesOnlyWhatIsDueAndTracksTheNextDeadline() {
        schedule(30, "c");
        schedule(10, "a");
        schedule(20, "b");
        assertThat(heap.nextDeadline()).isEqualTo(base + 10);

        assertThat(heap.fireDue(base + 9)).isZero();
        assertThat(heap.fireDue(base + 20)).isEqualTo(2);
        assertThat(fired).containsExactly("a", "b");
        assertThat(heap.nextDeadline()).isEqualTo(base + 30);
        assertThat(heap.size()).isEqualTo(1);

        assertThat(heap.fireDue(base + 30)).as("a deadline equal to now is due").isEqualTo(1);
        assertThat(fired).containsExactly("a", "b", "c");
    }

    @Test
    void cancelRemovesATimerSoItNeverFires() {
        TimerHeap.Entry a = schedule(10, "a");
        TimerHeap.Entry b = schedule(20, "b");
        schedule(30, "c");

        assertThat(heap.cancel(b)).isTrue();
        assertThat(heap.cancel(b)).as("second cancel").isFalse();
        assertThat(heap.size()).isEqualTo(2);
        assertThat(heap.cancel(a)).isTrue();
        assertThat(heap.nextDeadline()).as("next deadline after cancelling the earliest").isEqualTo(base + 30);

        heap.fireDue(base + 100);
        assertThat(fired).containsExactly("c");
    }

    @Test
    void cancelAfterFiringReturnsFalse() {
        TimerHeap.Entry a = schedule(10, "a");
        heap.fireDue(base + 10);
        assertThat(heap.cancel(a)).isFalse();
        assertThat(fired).containsExactly("a");
    }

    @Test
    void aThreadTargetIsUnparked() {
        Thread self = Thread.currentThread();
        heap.schedule(base, self);
        assertThat(heap.fireDue(base)).isEqualTo(1);
        long start = System.nanoTime();
        LockSupport.parkNanos(5_000_000_000L); // returns at once: the permit is there
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    /**
     * Deadlines are System.nanoTime() instants, compared by signed difference everywhere else
     * (isDue, earlier): a deadline computed as now + Long.MAX_VALUE wraps around. It must not
     * sit at the top of the heap as "earliest" and keep due timers from firing.
     */
    @Test
    void aDeadlineThatWrapsAroundDoesNotBlockEarlierTimers() {
        heap.schedule(base + Long.MAX_VALUE, (Runnable) () -> fired.add("practically-never"));
        schedule(10, "soon");

        assertThat(heap.fireDue(base + 20)).isEqualTo(1);
        assertThat(fired).containsExactly("soon");
        assertThat(heap.nextDeadline()).isEqualTo(base + Long.MAX_VALUE);
    }

    @Test
    void hundredThousandTimersAreAllFiredOnceInDeadlineOrderExceptTheCancelledOnes() {
        int n = 100_000;
        Random random = new Random(42);
        long[] deadlines = new long[n];
        int[] fireCount = new int[n];
        long[] lastFired = {Long.MIN_VALUE};
        boolean[] inOrder = {true};
        TimerHeap.Entry[] entries = new TimerHeap.Entry[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            deadlines[i] = base + random.nextInt(1_000_000);
            entries[i] = heap.schedule(deadlines[i], (Runnable) () -> {
                fireCount[id]++;
                if (deadlines[id] - lastFired[0] < 0 && lastFired[0] != Long.MIN_VALUE) {
                    inOrder[0] = false;
                }
                lastFired[0] = deadlines[id];
            });
        }
        assertThat(heap.size()).isEqualTo(n);
        boolean[] cancelled = new boolean[n];
        int cancelledCount = 0;
        for (int i = 0; i < n; i += 7) {
            assertThat(heap.cancel(entries[i])).isTrue();
            cancelled[i] = true;
            cancelledCount++;
        }
        assertThat(heap.size()).isEqualTo(n - cancelledCount);

        int total = 0;
        for (long now = base; now <= base + 1_000_000; now += 10_000) {
            total += heap.fireDue(now);
        }
        assertThat(total).isEqualTo(n - cancelledCount);
        assertThat(heap.isEmpty()).isTrue();
        assertThat(inOrder[0]).as("fired in non-decreasing deadline order").isTrue();
        for (int i = 0; i < n; i++) {
            assertThat(fireCount[i]).as("timer %d fired", i).isEqualTo(cancelled[i] ? 0 : 1);
        }
    }

    @Test
    void timersScheduledFromSeveralThreadsIntoSeveralStripesFireInDeadlineThenSchedulingOrder() throws Exception {
        TimerHeap striped = new TimerHeap(4);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        // Plain threads spread over the stripes by thread id; join() orders their schedules.
        for (int t = 0; t < 8; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                striped.schedule(base + 10, (Runnable) () -> order.add("tie" + id));
                striped.schedule(base + 20 - id, (Runnable) () -> order.add("late" + id));
            });
            thread.start();
            thread.join();
        }
        assertThat(striped.size()).isEqualTo(16);
        assertThat(striped.nextDeadline()).isEqualTo(base + 10);

        assertThat(striped.fireDue(base + 100)).isEqualTo(16);
        assertThat(order).containsExactly(
                "tie0", "tie1", "tie2", "tie3", "tie4", "tie5", "tie6", "tie7",
                "late7", "late6", "late5", "late4", "late3", "late2", "late1", "late0");
        assertThat(striped.isEmpty()).isTrue();
    }

    @Test
    void concurrentScheduleCancelAndFireAcrossStripesFireEachSurvivingTimerExactlyOnce() throws Exception {
        TimerHeap striped = new TimerHeap(2);
        int perThread = 20_000;
        int threads = 4;
        AtomicIntegerArray fires = new AtomicIntegerArray(perThread * threads);
        boolean[] cancelled = new boolean[perThread * threads];
        AtomicBoolean done = new AtomicBoolean();
        Thread firer = new Thread(() -> {
            while (!done.get()) {
                striped.fireDue(System.nanoTime());
            }
        });
        firer.start();
        List<Thread> schedulers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            Thread thread = new Thread(() -> {
                Random random = new Random(first);
                for (int i = first; i < first + perThread; i++) {
                    int id = i;
                    TimerHeap.Entry entry = striped.schedule(System.nanoTime() + random.nextInt(2_000_000),
                            (Runnable) () -> fires.incrementAndGet(id));
                    if (i % 5 == 0 && striped.cancel(entry)) {
                        cancelled[id] = true;
                    }
                }
            });
            schedulers.add(thread);
            thread.start();
        }
        for (Thread thread : schedulers) {
            thread.join();
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (!striped.isEmpty() && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        done.set(true);
        firer.join();
        striped.fireDue(System.nanoTime() + 10_000_000);
        for (int i = 0; i < fires.length(); i++) {
            assertThat(fires.get(i)).as("timer %d (cancelled: %s)", i, cancelled[i]).isEqualTo(cancelled[i] ? 0 : 1);
        }
    }
}
