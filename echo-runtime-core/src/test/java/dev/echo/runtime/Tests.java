package dev.echo.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by the core tests. */
final class Tests {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Tests() {
    }

    /**
     * A runtime name unique in this JVM. It ends in a letter, so no other name is a prefix of
     * "{name}-" (thread names are "{name}-worker-N" and "{name}-monitor").
     */
    static String uniqueName(String label) {
        return "t" + SEQUENCE.incrementAndGet() + "_" + label + "x";
    }

    /** A runtime with {@code processors} processors, a unique name and a short shutdown grace. */
    static EchoRuntime runtime(int processors, String label) {
        return EchoRuntime.builder().processors(processors).name(uniqueName(label))
                .shutdownGrace(Duration.ofSeconds(1)).build();
    }

    /** Burns CPU for {@code duration} without suspending. */
    static void busyWait(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** Live platform threads whose name starts with {@code prefix}. */
    static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .toList();
    }

    /** Live platform threads of the runtime called {@code runtimeName}. */
    static List<Thread> threadsOf(String runtimeName) {
        return threadsNamed(runtimeName + "-");
    }

    static ThreadMXBean threadBean() {
        return ManagementFactory.getThreadMXBean();
    }

    /** The sum of tasksRun over every processor. */
    static long tasksRun(EchoRuntime runtime) {
        return runtime.stats().processors().stream().mapToLong(ProcessorStats::tasksRun).sum();
    }

    /** The part of a virtual thread's toString after '@': the carrier's name, or "" if unmounted. */
    static String carrierName() {
        String s = Thread.currentThread().toString();
        int at = s.lastIndexOf('@');
        return at < 0 ? "" : s.substring(at + 1);
    }
}
