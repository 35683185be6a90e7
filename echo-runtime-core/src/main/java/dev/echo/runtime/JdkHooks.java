package dev.echo.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The places where Echo reaches inside the JDK, all in {@code java.lang} and all opened by
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (on the module path: {@code =dev.echo.runtime}):
 *
 * <ol>
 *   <li>{@code ThreadBuilders$VirtualThreadBuilder(Executor)}, the package-private constructor
 *       that makes virtual threads run on a scheduler of our own (JDK 25 has no public API for
 *       it). Every start, unpark and yield of such a thread arrives as
 *       {@link Executor#execute(Runnable)} on that scheduler.</li>
 *   <li>{@code Thread.currentCarrierThread()}: when a task unparks or starts another task, the
 *       JDK calls {@code execute} on the task's own (virtual) thread; the scheduler needs the
 *       carrier to find the worker, and so the processor, it is running on.</li>
 *   <li>ScopedValue bindings: a {@link TaskScope} fork inherits its forker's, as a
 *       {@code StructuredTaskScope} fork does (the {@code ScopedValue inheritance} block below).</li>
 * </ol>
 *
 * <p>Diagnostics read one more thing under the same flag, and only read it:
 * {@code VirtualThread.carrierThread}, so that the task dump and health can name the task that
 * holds a stuck processor ({@link #carrierOf}); without it they just do not name one.
 *
 * <p>Without the flag Echo fails fast with an {@link IllegalStateException} naming it; it never
 * falls back to the JDK's default scheduler.
 */
final class JdkHooks {

    /**
     * The flag for how Echo was loaded: {@code =ALL-UNNAMED} on the class path, or the module's
     * own name when Echo runs as the named module {@code dev.echo.runtime}.
     */
    static final String FLAG = "--add-opens java.base/java.lang="
            + (JdkHooks.class.getModule().isNamed() ? JdkHooks.class.getModule().getName() : "ALL-UNNAMED");

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final RuntimeException UNAVAILABLE;
    /** VirtualThread.carrierThread's getter, or null where this JDK has no such field. */
    private static final MethodHandle CARRIER_OF;

    static {
        Constructor<?> builder = null;
        MethodHandle carrier = null;
        RuntimeException failure = null;
        try {
            Class<?> type = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = type.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            carrier = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = new IllegalStateException(
                    "Echo needs the JVM flag " + FLAG + " to run tasks on its own virtual-thread scheduler ("
                            + e + "); add it to the java command line, or use a jar whose manifest carries "
                            + "'Add-Opens: java.base/java.lang'", e);
        }
        BUILDER = builder;
        CURRENT_CARRIER = carrier;
        UNAVAILABLE = failure;
        MethodHandle carrierOf = null;
        try {
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            carrierOf = MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup())
                    .findGetter(virtualThread, "carrierThread", Thread.class)
                    .asType(MethodType.methodType(Thread.class, Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Diagnostics only: a dump without "held by" is still a dump.
        }
        CARRIER_OF = carrierOf;
    }

    private JdkHooks() {
    }

    /** Throws the flag-naming {@link IllegalStateException} if the hooks are unreachable. */
    static void requireAvailable() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE.getMessage(), UNAVAILABLE.getCause());
        }
    }

    /** A virtual-thread builder whose threads are scheduled by {@code scheduler}. */
    static Thread.Builder.OfVirtual virtualThreadBuilder(Executor scheduler) {
        requireAvailable();
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread builder for Echo's scheduler", e);
        }
    }

    /** The platform thread carrying the caller: itself for a platform thread. */
    static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The platform thread carrying virtual thread {@code thread} now, or null (unmounted, or unknown). */
    static Thread carrierOf(Thread thread) {
        if (CARRIER_OF == null || !thread.isVirtual()) {
            return null;
        }
        try {
            return (Thread) CARRIER_OF.invokeExact(thread);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * Starts the JDK's I/O poller threads on the default scheduler, from this (platform) thread.
     * They are virtual threads that would otherwise inherit the scheduler of whichever thread
     * first does blocking socket I/O, and must never be carried by Echo's workers: a poller
     * parked on a worker would stop every task's network I/O when that worker is busy.
     */
    static void startJdkPollers() {
        if (pollersStarted) {
            return;
        }
        // Class initialisation starts the pollers; do it on a fresh platform thread so that
        // even a caller that is itself a virtual thread cannot lend them its scheduler.
        Thread starter = Thread.ofPlatform().name("echo-start-jdk-pollers").unstarted(() -> {
            try {
                Class.forName("sun.nio.ch.Poller", true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // A JDK without sun.nio.ch.Poller has no virtual-thread pollers to protect.
            }
        });
        starter.start();
        boolean interrupted = false;
        while (true) {
            try {
                starter.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        pollersStarted = true;
    }

    private static volatile boolean pollersStarted;

    // ## ScopedValue inheritance (TaskScope.fork) ##
    //
    // A third reach inside java.lang, through the same opening: StructuredTaskScope's forks
    // inherit the forker's ScopedValue bindings, and JDK 25 has no public API to do the same
    // for threads it does not start itself. The bindings are one immutable snapshot object;
    // ScopedValue.scopedValueBindings() returns the caller's, and a thread whose private
    // Thread.scopedValueBindings field holds one before start() runs its body with it
    // (VirtualThread.run -> runWith), exactly as a StructuredTaskScope fork does.

    private static final MethodHandle CURRENT_BINDINGS;
    private static final java.lang.invoke.VarHandle THREAD_BINDINGS;

    static {
        MethodHandle current = null;
        java.lang.invoke.VarHandle field = null;
        try {
            current = MethodHandles.privateLookupIn(ScopedValue.class, MethodHandles.lookup())
                    .findStatic(ScopedValue.class, "scopedValueBindings",
                            MethodType.methodType(Class.forName("java.lang.ScopedValue$Snapshot")))
                    .asType(MethodType.methodType(Object.class));
            field = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
                    .findVarHandle(Thread.class, "scopedValueBindings", Object.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left null: requireAvailable() has already failed for the same missing flag.
        }
        CURRENT_BINDINGS = current;
        THREAD_BINDINGS = field;
    }

    /** The caller's ScopedValue bindings, an immutable snapshot (never null). */
    static Object scopedValueBindings() {
        requireAvailable();
        try {
            return (Object) CURRENT_BINDINGS.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the ScopedValue bindings", e);
        }
    }

    /** Makes the unstarted {@code thread} run its body with {@code bindings}. */
    static void inheritScopedValueBindings(Thread thread, Object bindings) {
        THREAD_BINDINGS.set(thread, bindings);
    }
}
