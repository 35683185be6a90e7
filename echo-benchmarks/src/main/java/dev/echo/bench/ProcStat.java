package dev.echo.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A server process as Linux's {@code /proc} sees it: CPU time (user + system), resident set,
 * threads and open file descriptors.
 */
final class ProcStat {

    /** Clock ticks per second of {@code /proc/PID/stat}: USER_HZ, 100 on every Linux this runs on. */
    static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** utime + stime of the whole process, in seconds. */
    static double cpuSeconds(long pid) {
        return parseCpuSeconds(read(Path.of("/proc", String.valueOf(pid), "stat")));
    }

    /** utime + stime from a {@code /proc/PID/stat} line (fields 14 and 15; the name may hold spaces). */
    static double parseCpuSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3]
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    static long rssBytes(long pid) {
        return statusField(pid, "VmRSS:") * 1024;
    }

    static long threads(long pid) {
        return statusField(pid, "Threads:");
    }

    static long openFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connections waiting in the kernel's accept queue of the loopback listener on {@code port}
     * (the rx_queue of its LISTEN entry in {@code /proc/net/tcp} or {@code tcp6}), or -1 if there is none.
     */
    static long acceptQueue(int port) {
        long v4 = parseAcceptQueue(read(Path.of("/proc/net/tcp")), port);
        // A JVM listening on 127.0.0.1 shows up here as ::ffff:127.0.0.1 (a dual-stack socket).
        Path v6 = Path.of("/proc/net/tcp6");
        return v4 >= 0 || !Files.exists(v6) ? v4 : parseAcceptQueue(read(v6), port);
    }

    static long parseAcceptQueue(String procNetTcp, int port) {
        String local = String.format(":%04X", port);
        for (String line : procNetTcp.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue ...; st 0A is LISTEN
            if (f.length > 4 && f[1].endsWith(local) && f[3].equals("0A")) {
                return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
            }
        }
        return -1;
    }

    private static long statusField(long pid, String name) {
        for (String line : read(Path.of("/proc", String.valueOf(pid), "status")).split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + name + " in /proc/" + pid + "/status");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " (has the process ended?)", e);
        }
    }
}
