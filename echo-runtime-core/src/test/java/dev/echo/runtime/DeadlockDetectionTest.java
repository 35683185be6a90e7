package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.echo.runtime.spi.Parking;
import dev.echo.runtime.spi.WaitTarget;

/**
 * With deadlock detection on (a declared closed world), block() detects "all tasks are asleep"
 * (Go's deadlock), and never reports a task that a timer, a plain thread, the event loop or the
 * JDK can still wake; with it off (the default) it never reports, whatever outside threads do.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlockDetectionTest {

    private static EchoRuntime runtime(int processors, String label) {
        return EchoRuntime.builder().processors(processors).name(Tests.uniqueName(label))
                .shutdownGrace(Duration.ofMillis(200)).deadlockDetection(true).build();
    }

    /** A runtime with the defaults: deadlock detection off. */
    private static EchoRuntime defaultRuntime(int processors, String label) {
        return EchoRuntime.builder().processors(processors).name(Tests.uniqueName(label))
                .shutdownGrace(Duration.ofMillis(200)).build();
    }

    /** A wait nothing outside the runtime can end: Go's {@code <-make(chan int)}. */
    private static final WaitTarget NOBODY_SENDS = new WaitTarget() {
        @Override
        public boolean wakeableFromOutside() {
            return false;
        }

        @Override
        public String describeWait() {
            return "receive on a channel nobody sends to";
        }
    };

    // ## True deadlocks ##

    @ParameterizedTest(name = "processors = {0}")
    @ValueSource(ints = {1, 2})
    void mainJoiningATaskThatJoinsMainIsADeadlock(int processors) {
        try (EchoRuntime runtime = runtime(processors, "dlmain")) {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                Task<?> main = Echo.currentTask();
                Task<Object> child = Echo.spawn("child", main::join);
                return child.join();
            }));
            assertThat(thrown).isInstanceOf(DeadlockException.class);
            DeadlockException deadlock = (DeadlockException) thrown;
            assertThat(deadlock.parkedTasks()).hasSize(2);
            assertThat(deadlock.parkedTasks()).anySatisfy(line -> assertThat(line).contains("main").contains("join of"));
            assertThat(deadlock.parkedTasks()).anySatisfy(line -> assertThat(line).contains("child").contains("join of"));
            assertThat(deadlock.getMessage()).contains("deadlock");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void twoTasksJoiningEachOtherWhileMainJoinsOneIsADeadlock() {
        try (EchoRuntime runtime = runtime(2, "dlpair")) {
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                Promise<Task<?>> aHandle = new Promise<>();
                Promise<Task<?>> bHandle = new Promise<>();
                Task<Object> a = Echo.spawn("a", () -> bHandle.future().await().join());
                Task<Object> b = Echo.spawn("b", () -> aHandle.future().await().join());
                aHandle.resolve(a);
                bHandle.resolve(b);
                return a.join();
            }));
            assertThat(thrown).isInstanceOf(DeadlockException.class);
            List<String> parked = ((DeadlockException) thrown).parkedTasks();
            assertThat(parked).hasSize(3);
            assertThat(String.join("\n", parked)).contains("(main)").contains("(a)").contains("(b)");
        }
    }

    @Test
    void aRingOfTasksEachJoiningTheNextIsADeadlock() {
        try (EchoRuntime runtime = runtime(2, "dlring")) {
            int n = 5;
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                List<Promise<Task<?>>> handles = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    handles.add(new Promise<>());
                }
                List<Task<Object>> ring = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Promise<Task<?>> next = handles.get((i + 1) % n);
                    ring.add(Echo.spawn("ring-" + i, () -> next.future().await().join()));
                }
                for (int i = 0; i < n; i++) {
                    handles.get(i).resolve(ring.get(i));
                }
                return ring.get(0).join();
            }));
            assertThat(thrown).isInstanceOf(DeadlockException.class);
            assertThat(((DeadlockException) thrown).parkedTasks()).hasSize(n + 1);
        }
    }

    /** Go's {@code func main() { <-make(chan int) }}: all goroutines are asleep. */
    @Test
    void mainWaitingOnSomethingOnlyATaskCouldWakeIsADeadlock() {
        try (EchoRuntime runtime = runtime(1, "dlchan")) {
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                while (true) {
                    Parking.park(NOBODY_SENDS, Parking.NO_DEADLINE);
                }
            }));
            assertThat(thrown).isInstanceOf(DeadlockException.class);
            assertThat(((DeadlockException) thrown).parkedTasks()).singleElement()
                    .satisfies(line -> assertThat(line).contains("main").contains("receive on a channel nobody sends to"));
        }
    }

    /** Go's WaitGroup that never reaches zero: workers done, main waits on a task that waits forever. */
    @Test
    void workersFinishedButMainWaitsOnATaskStuckForeverIsADeadlock() {
        try (EchoRuntime runtime = runtime(2, "dlworkers")) {
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                List<Task<Integer>> workers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int v = i;
                    workers.add(Echo.spawn(() -> v));
                }
                Task<Object> stuck = Echo.spawn("stuck", () -> {
                    while (true) {
                        Parking.park(NOBODY_SENDS, Parking.NO_DEADLINE);
                    }
                });
                for (Task<Integer> w : workers) {
                    w.join();
                }
                return stuck.join();
            }));
            assertThat(thrown).isInstanceOf(DeadlockException.class);
            assertThat(((DeadlockException) thrown).parkedTasks()).hasSize(2);
        }
    }

    @Test
    void afterADeadlockCloseCancelsTheParkedTasks() {
        EchoRuntime runtime = runtime(1, "dlclose");
        AtomicReference<Task<?>> child = new AtomicReference<>();
        try (runtime) {
            catchThrowable(() -> runtime.block(() -> {
                Task<?> main = Echo.currentTask();
                child.set(Echo.spawn(main::join));
                return child.get().join();
            }));
        }
        assertThat(child.get().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(Tests.threadsOf(runtime.name())).isEmpty();
    }

    // ## Not deadlocks: the block returns normally ##

    @Test
    void aTaskWaitingOnATimerIsNotADeadlock() {
        try (EchoRuntime runtime = runtime(1, "nodlsleep")) {
            String result = runtime.block(() -> Echo.spawn(() -> {
                Echo.sleep(Duration.ofMillis(300));
                return "slept";
            }).join());
            assertThat(result).isEqualTo("slept");
        }
    }

    @Test
    void mainAwaitingATimerFutureIsNotADeadlock() {
        try (EchoRuntime runtime = runtime(1, "nodldelay")) {
            assertThat(runtime.block(() -> {
                Echo.delay(Duration.ofMillis(300)).await();
                return "fired";
            })).isEqualTo("fired");
        }
    }

    @Test
    void aTaskAwaitingAPromiseThatAPlainThreadResolvesLaterIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(1, "nodlpromise")) {
            Promise<String> promise = new Promise<>();
            Thread resolver = delayed(Duration.ofMillis(300), () -> promise.resolve("from outside"));
            String result = runtime.block(() -> Echo.spawn(() -> promise.future().await()).join());
            assertThat(result).isEqualTo("from outside");
            resolver.join();
        }
    }

    @Test
    void mainAwaitingAPromiseThatAPlainThreadResolvesLaterIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(2, "nodlmainpromise")) {
            Promise<String> promise = new Promise<>();
            Thread resolver = delayed(Duration.ofMillis(300), () -> promise.resolve("from outside"));
            assertThat(runtime.block(() -> promise.future().await())).isEqualTo("from outside");
            resolver.join();
        }
    }

    @Test
    void aTaskInThreadSleepIsNotADeadlock() {
        try (EchoRuntime runtime = runtime(1, "nodlthreadsleep")) {
            String result = runtime.block(() -> Echo.spawn(() -> {
                Thread.sleep(300);
                return "slept on the JDK's timer";
            }).join());
            assertThat(result).isEqualTo("slept on the JDK's timer");
        }
    }

    @Test
    void aTaskBlockedOnAJdkLockHeldByAPlainThreadIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(1, "nodllock")) {
            ReentrantLock lock = new ReentrantLock();
            CountDownLatch locked = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                lock.lock();
                try {
                    locked.countDown();
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.unlock();
                }
            });
            holder.start();
            assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
            String result = runtime.block(() -> Echo.spawn(() -> {
                lock.lock();
                try {
                    return "got the lock";
                } finally {
                    lock.unlock();
                }
            }).join());
            assertThat(result).isEqualTo("got the lock");
            holder.join();
        }
    }

    /**
     * A plain thread that accepts one connection on {@code server} and, 300 ms later (every task
     * is parked on the socket meanwhile), writes the byte 42 to it.
     */
    private static Thread answerAfterAWhile(ServerSocket server) {
        return Thread.ofPlatform().start(() -> {
            try (Socket s = server.accept()) {
                Thread.sleep(300);
                OutputStream out = s.getOutputStream();
                out.write(42);
                out.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aTaskBlockedInSocketIoIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(1, "nodlsocket");
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread peer = answerAfterAWhile(server);
            int result = runtime.block(() -> Echo.spawn(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    InputStream in = s.getInputStream();
                    return in.read();
                }
            }).join());
            assertThat(result).isEqualTo(42);
            peer.join();
        }
    }

    @Test
    void aTaskBlockedReadingAnEchoTcpConnectionIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(1, "nodltcp");
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread peer = answerAfterAWhile(server);
            int result = runtime.block(() -> Echo.spawn(() -> {
                try (dev.echo.runtime.net.TcpConnection c = dev.echo.runtime.net.TcpConnection.connect(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))) {
                    byte[] one = new byte[1];
                    return c.read(one) == 1 ? one[0] : -1;
                }
            }).join());
            assertThat(result).isEqualTo(42);
            peer.join();
        }
    }

    @Test
    void mainJoiningATaskThatIsBusyForAWhileIsNotADeadlock() {
        try (EchoRuntime runtime = runtime(2, "nodlbusy")) {
            assertThat(runtime.block(() -> Echo.spawn(() -> {
                Tests.busyWait(Duration.ofMillis(300));
                return 1;
            }).join())).isEqualTo(1);
        }
    }

    @Test
    void deadlockDetectionIsOffByDefault() throws Exception {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name(Tests.uniqueName("dloff"))
                .shutdownGrace(Duration.ofMillis(200)).build()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread blocked = new Thread(() -> thrown.set(catchThrowable(() -> runtime.block(() -> {
                Task<?> main = Echo.currentTask();
                return Echo.spawn(main::join).join();
            }))));
            blocked.setDaemon(true);
            blocked.start();
            blocked.join(1_000);
            assertThat(blocked.isAlive()).as("still waiting: no DeadlockException").isTrue();
            assertThat(thrown.get()).isNull();
        } // close cancels main: block() then ends with a CancellationException
    }

    // ## The open world (detection off, the default): outside threads act later ##

    @Test
    void byDefaultMainWaitingOnAChannelAPlainThreadSendsToAfterASleepIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = defaultRuntime(1, "owplain")) {
            dev.echo.runtime.chan.Channel<Integer> ch = dev.echo.runtime.chan.Channel.unbuffered();
            Thread plain = delayed(Duration.ofMillis(300), () -> ch.send(42));
            int got = runtime.block(ch::receive);
            assertThat(got).isEqualTo(42);
            plain.join();
        }
    }

    @Test
    void byDefaultMainWaitingOnAChannelAVirtualThreadStartedInATaskSendsToIsNotADeadlock() {
        try (EchoRuntime runtime = defaultRuntime(1, "owvt")) {
            int got = runtime.block(() -> {
                dev.echo.runtime.chan.Channel<Integer> ch = dev.echo.runtime.chan.Channel.unbuffered();
                // Carried by Echo (a virtual thread inherits its creator's scheduler), but no task.
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ch.send(7);
                });
                return ch.receive();
            });
            assertThat(got).isEqualTo(7);
        }
    }

    @Test
    void byDefaultMainCancelledByAnotherThreadLaterEndsCancelledNotDeadlocked() throws Exception {
        try (EchoRuntime runtime = defaultRuntime(2, "owcancel")) {
            AtomicReference<Task<?>> main = new AtomicReference<>();
            Thread canceller = new Thread(() -> {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> main.get() != null);
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
                main.get().cancel();
            });
            canceller.start();
            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                main.set(Echo.currentTask());
                return dev.echo.runtime.chan.Channel.<Integer>unbuffered().receive();
            }));
            assertThat(thrown).isInstanceOf(java.util.concurrent.CancellationException.class);
            canceller.join();
        }
    }

    @Test
    void byDefaultMainWaitingWhileAnotherThreadClosesTheRuntimeEndsCancelledNotDeadlocked() throws Exception {
        EchoRuntime runtime = defaultRuntime(2, "owclose");
        Thread closer = delayed(Duration.ofMillis(300), runtime::close);
        Throwable thrown = catchThrowable(() -> runtime.block(() -> dev.echo.runtime.chan.Channel.<Integer>unbuffered().receive()));
        assertThat(thrown).isInstanceOf(java.util.concurrent.CancellationException.class);
        closer.join();
        assertThat(runtime.isClosed()).isTrue();
    }

    // ## Waits that are never part of a report, even in a closed world ##

    @Test
    void mainWaitingOnAChannelANettyTaskOnTheRuntimesLoopWillFeedIsNotADeadlock() {
        try (EchoRuntime runtime = runtime(1, "nodlloop")) {
            dev.echo.runtime.chan.Channel<Integer> ch = dev.echo.runtime.chan.Channel.buffered(1);
            NettyInterop.eventLoop(runtime).schedule(() -> ch.trySend(5), 300, TimeUnit.MILLISECONDS);
            int got = runtime.block(ch::receive);
            assertThat(got).isEqualTo(5);
        }
    }

    /**
     * Many short timed waits: timers come due in batches, and while a batch is being fired
     * (taken off the heap, not yet woken its tasks) the runtime looks quiescent with no timer
     * pending. A task parked with a deadline can always wake, so that is never a deadlock.
     */
    @Test
    void tasksInShortTimedWaitsWhileTheirTimersFireAreNotADeadlock() {
        for (int round = 0; round < 5; round++) {
            try (EchoRuntime runtime = runtime(2, "nodltimed")) {
                int done = runtime.block(() -> {
                    List<Task<Integer>> waiters = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        waiters.add(Echo.spawn(() -> {
                            dev.echo.runtime.chan.Channel<Integer> nobody = dev.echo.runtime.chan.Channel.unbuffered();
                            for (int j = 0; j < 20; j++) {
                                nobody.receive(Duration.ofMillis(1));
                            }
                            return 1;
                        }));
                    }
                    int sum = 0;
                    for (Task<Integer> t : waiters) {
                        sum += t.join();
                    }
                    return sum;
                });
                assertThat(done).isEqualTo(500);
            }
        }
    }

    private static Thread delayed(Duration delay, Runnable action) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            action.run();
        });
        t.start();
        return t;
    }

    /**
     * Two CPU loops hold both processors while work waits, so the monitor retires one
     * processor and gives its slot to a fresh one. When the task on the retired processor ends,
     * it settles its future and then wakes its waiters (main among them) on its own carrier;
     * meanwhile every processor in a slot may be idle. That is not a deadlock: main is about to
     * be woken. (Many short callbacks on the future make the window between settling and waking
     * main wide; a trigger callback, run first, makes the slot processors go idle inside it.)
     */
    @Test
    void aTaskStillWakingItsWaitersOnARetiredProcessorIsNotADeadlock() throws Exception {
        try (EchoRuntime runtime = runtime(2, "nodlretired")) {
            Promise<Void> trigger = new Promise<>();
            Promise<Task<?>> onRetired = new Promise<>();
            AtomicReference<Task<?>> joinedByMain = new AtomicReference<>();
            CountDownLatch registered = new CountDownLatch(1);
            AtomicReference<Throwable> registrarFailure = new AtomicReference<>();
            int callbacks = 300_000;
            Thread registrar = new Thread(() -> {
                try {
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                            .until(() -> joinedByMain.get() != null && joinedByMain.get().future().waiterCount() == 1);
                    EchoFuture<?> future = joinedByMain.get().future();
                    for (int i = 0; i < callbacks; i++) {
                        future.whenComplete((v, e) -> Tests.busyWait(Duration.ofNanos(1_000)));
                    }
                    future.whenComplete((v, e) -> trigger.resolve(null)); // registered last, runs first
                } catch (Throwable t) {
                    registrarFailure.set(t);
                } finally {
                    registered.countDown();
                }
            }, "registrar");
            registrar.start();

            Callable<Long> cpuLoop = () -> {
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                long nextFiller = System.nanoTime();
                int fillers = 0;
                while (System.nanoTime() - end < 0) {
                    Task<?> retired = onRetired.isDone() ? onRetired.future().resultNow() : null;
                    if (retired == null && onRetiredProcessor()) {
                        onRetired.resolve(Echo.currentTask());
                        continue;
                    }
                    if (retired != null && retired != Echo.currentTask()) {
                        return 1L; // the other loop: its processor was not retired
                    }
                    if (retired != null && registered.getCount() == 0) {
                        return 42L;
                    }
                    if (retired == null && fillers < 100 && System.nanoTime() - nextFiller >= 0) {
                        Echo.spawn(() -> null); // work waiting behind the loops: a reason to hand off
                        fillers++;
                        nextFiller = System.nanoTime() + 2_000_000L;
                    }
                    Thread.onSpinWait();
                }
                throw new AssertionError("no processor was retired within 20 s");
            };

            Throwable thrown = catchThrowable(() -> runtime.block(() -> {
                Task<Long> a = Echo.spawn("loop-a", cpuLoop);
                Task<Long> b = Echo.spawn("loop-b", cpuLoop);
                Echo.spawn("small", () -> trigger.future().await());
                Task<?> onRetiredProcessor = onRetired.future().await();
                Task<Long> other = onRetiredProcessor == a ? b : a;
                other.join();
                @SuppressWarnings("unchecked")
                Task<Long> last = (Task<Long>) onRetiredProcessor;
                joinedByMain.set(last);
                return last.join();
            }));
            registrar.join(30_000);
            assertThat(registrarFailure.get()).isNull();
            assertThat(thrown).as("block() of a main task that was about to be woken").isNull();
        }
    }

    /** Inside a task: is the processor of the carrying worker retired? */
    private static boolean onRetiredProcessor() {
        return JdkHooks.currentCarrierThread() instanceof Worker w && w.processor != null && w.processor.retired;
    }
}
