package dev.echo.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor contender: JDK 25 virtual threads on a bare one-carrier scheduler, the limit the
 * suite compares Echo with (issue 16, "Start from the floor").
 *
 * <p>One platform thread, the carrier, runs a queue of virtual-thread continuations and parks
 * with {@link LockSupport#park} when the queue is empty. It reaches the JDK's scheduler hook the
 * way Echo does, and only that: the package-private {@code ThreadBuilders$VirtualThreadBuilder(Executor)}
 * constructor, so every start, unpark and yield of a floor thread arrives as {@link #execute}
 * (opened by {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the suite's child JVMs
 * and the tests have). No Echo code runs on this path.
 *
 * <h2>Invariant</h2>
 * Every floor thread is carried by the one carrier, so at most one of them runs at a time, and
 * {@link #local} is touched by the carrier alone: {@link #execute} called from a floor thread
 * (the carrier is then its carrier) or from the carrier between two continuations appends
 * there with plain stores. Every other caller (the thread that starts {@link #main}, a foreign
 * thread unparking a floor thread) appends to {@link #external} and unparks the carrier.
 *
 * <h2>Why it is the floor</h2>
 * A run queue needs no atomic operation when producer and consumer are one thread, and a
 * wake-up needs no other core when the woken thread runs on the waker's carrier. So one
 * carrier with a plain {@link ArrayDeque} is the least a scheduler can do per wake-up: what
 * remains is the JDK's own cost of creating, mounting, unmounting and ending a virtual thread.
 * It leaves out everything a real runtime needs: more than one core (so no stealing, no
 * cross-core wake-ups, no spinning carriers, no fences a stealer would need on the local
 * queue), timers, I/O, fairness between a task that never blocks and the others, statistics,
 * cancellation, shutdown with live tasks. It bounds the cost of a park-based hand-off, not
 * throughput: on two cores plain virtual threads can beat it (vt's pingpong, when its two threads
 * land on two carriers and {@code SynchronousQueue}'s spin catches each reply before parking;
 * vt's spawnjoin, whose second carrier runs threads while the first still spawns).
 *
 * <p>{@link Rendezvous} is the matching floor for an unbuffered channel; see there why the
 * floor programs do not use {@code SynchronousQueue}.
 */
final class Floor implements Executor, AutoCloseable {

    /** A floor program: its body gets the floor to start its threads on. */
    @FunctionalInterface
    interface Main<T> {
        T run(Floor floor) throws Exception;
    }

    /** Continuations made runnable by the carrier itself. Carrier-only: no synchronisation. */
    private final ArrayDeque<Runnable> local = new ArrayDeque<>();
    /** Continuations made runnable by any other thread; the carrier drains it after {@link #local}. */
    private final ConcurrentLinkedQueue<Runnable> external = new ConcurrentLinkedQueue<>();
    private final Thread carrier;
    private final Thread.Builder.OfVirtual threads;
    /** Set once by {@link #close}; the carrier ends when it sees it with both queues empty. */
    private volatile boolean closed;

    Floor() {
        carrier = Thread.ofPlatform().name("floor-carrier").daemon().unstarted(this::carry);
        threads = virtualThreadBuilder(this);
        carrier.start();
    }

    /**
     * Runs {@code main} in a virtual thread on a new floor, waits for it from the calling
     * (platform) thread, closes the floor and returns the value, as {@link Vt#main} does on the
     * JDK's default scheduler.
     */
    static <T> T main(Main<T> main) throws Exception {
        try (Floor floor = new Floor()) {
            Object[] result = new Object[1];
            Throwable[] failure = new Throwable[1];
            Thread thread = floor.threads.unstarted(() -> {
                try {
                    result[0] = main.run(floor);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            thread.start();
            thread.join();
            switch (failure[0]) {
                case null -> { }
                case Exception e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException(failure[0]);
            }
            @SuppressWarnings("unchecked")
            T value = (T) result[0];
            return value;
        }
    }

    /** Starts {@code body} in a virtual thread on this floor. */
    Thread start(Vt.Body body) {
        return threads.start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Starts {@code task} in a virtual thread on this floor, without {@link #start}'s wrapper. */
    Thread startPlain(Runnable task) {
        return threads.start(task);
    }

    /** True when the caller (a virtual thread or the carrier itself) is carried by this floor. */
    boolean carriesCurrentThread() {
        return currentCarrierThread() == carrier;
    }

    /** The JDK calls this for every start, unpark and yield of a floor thread. */
    @Override
    public void execute(Runnable continuation) {
        if (currentCarrierThread() == carrier) {
            local.addLast(continuation);
        } else {
            external.offer(continuation);
            LockSupport.unpark(carrier);
        }
    }

    /** The carrier's loop: local first, then external, park when both are empty. */
    private void carry() {
        while (true) {
            Runnable next = local.pollFirst();
            if (next == null) {
                next = external.poll();
            }
            if (next != null) {
                next.run();
            } else if (closed) {
                return;
            } else {
                // An external offer before this park left the carrier a permit (execute's unpark).
                LockSupport.park(this);
            }
        }
    }

    /** Ends the carrier once both queues are empty and waits for it. Parked floor threads stay parked. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        LockSupport.unpark(carrier);
        carrier.join();
    }

    /**
     * The floor of an unbuffered channel: a rendezvous for one sender and one receiver at a time
     * (the shape of pingpong's and threadring's channels; a second party waiting on the same side
     * is an {@link IllegalStateException}).
     *
     * <p>It does what a Go channel does when the other side is, or is not, already there, and
     * nothing more: the first party to arrive publishes a {@link Waiter} with one CAS and parks;
     * the second claims it with one CAS, hands the item over (or takes it), and unparks the first.
     * A send that finds its receiver waiting returns at once (the receiver is committed to the
     * item), so a steady ping-pong round trip is two CAS pairs, two unparks and two parks.
     *
     * <p>Why not {@code SynchronousQueue}, which the vt variants use: on JDK 25 its waiter spins
     * 128 {@code Thread.onSpinWait()} before parking unless its carrier is a
     * {@code ForkJoinWorkerThread} with queued work ({@code LinkedTransferQueue.DualNode.await}).
     * On the default scheduler that test skips the spin; on any other scheduler, this one
     * included, every wait spins first, and on one carrier the spin cannot succeed (the other
     * party cannot run until the waiter parks). That is a cost of that queue, not a floor.
     */
    static final class Rendezvous<T> {

        /** A parked party: the receiver ({@code sending} false) or a sender with its item. */
        private static final class Waiter {
            final Thread thread = Thread.currentThread();
            final boolean sending;
            /** The sender's item, or the one handed to a receiver; written before {@link #done}. */
            Object item;
            /** Set once by the party that claimed this waiter; release to the waiter's read. */
            volatile boolean done;

            Waiter(boolean sending, Object item) {
                this.sending = sending;
                this.item = item;
            }

            void awaitDone() {
                while (!done) {
                    LockSupport.park(this);
                }
            }
        }

        /** The party waiting on this rendezvous, or null. Set and cleared by CAS only. */
        private volatile Waiter waiting;

        void send(T item) {
            while (true) {
                Waiter other = waiting;
                if (other == null) {
                    Waiter self = new Waiter(true, item);
                    if (WAITING.compareAndSet(this, null, self)) {
                        self.awaitDone();
                        return;
                    }
                } else if (other.sending) {
                    throw new IllegalStateException("a second sender on a one-sender rendezvous");
                } else if (WAITING.compareAndSet(this, other, null)) {
                    other.item = item;
                    other.done = true;
                    LockSupport.unpark(other.thread);
                    return;
                }
            }
        }

        @SuppressWarnings("unchecked")
        T receive() {
            while (true) {
                Waiter other = waiting;
                if (other == null) {
                    Waiter self = new Waiter(false, null);
                    if (WAITING.compareAndSet(this, null, self)) {
                        self.awaitDone();
                        return (T) self.item;
                    }
                } else if (!other.sending) {
                    throw new IllegalStateException("a second receiver on a one-receiver rendezvous");
                } else if (WAITING.compareAndSet(this, other, null)) {
                    Object item = other.item;
                    other.done = true;
                    LockSupport.unpark(other.thread);
                    return (T) item;
                }
            }
        }

        private static final VarHandle WAITING;

        static {
            try {
                WAITING = MethodHandles.lookup().findVarHandle(Rendezvous.class, "waiting", Waiter.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    // ## JDK hooks (the same two Echo's JdkHooks uses) ##

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;

    static {
        try {
            BUILDER = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            BUILDER.setAccessible(true);
            CURRENT_CARRIER = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the floor needs --add-opens java.base/java.lang=ALL-UNNAMED: " + e, e);
        }
    }

    private static Thread.Builder.OfVirtual virtualThreadBuilder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build virtual threads on the floor's scheduler", e);
        }
    }

    private static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
