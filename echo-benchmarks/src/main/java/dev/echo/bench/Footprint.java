package dev.echo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two memory figures of {@code parked}: heap in use after a full GC, and the process's
 * resident set (VmRSS in {@code /proc/self/status}).
 *
 * <p>"After a full GC" means {@code System.gc()} (a full, compacting collection under G1,
 * which the child JVMs run) repeated until the used heap stops falling, so that only live
 * objects remain.
 */
record Footprint(long heapBytes, long rssBytes) {

    private static final Path STATUS = Path.of("/proc/self/status");

    /** Collects until the used heap is stable, then reads both figures. */
    static Footprint afterGc() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            pause();
            long used = heapUsed();
            if (used >= previous - previous / 1000) {
                break;
            }
            previous = used;
        }
        return new Footprint(heapUsed(), rss());
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the heap", e);
        }
    }

    /** {heap, RSS}, for the Kotlin side, which cannot see this Java type. */
    long[] toArray() {
        return new long[] {heapBytes, rssBytes};
    }

    Footprint minus(Footprint base) {
        return new Footprint(heapBytes - base.heapBytes, rssBytes - base.rssBytes);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS in bytes, or -1 where there is no {@code /proc} (the metric is then not reported). */
    static long rss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
