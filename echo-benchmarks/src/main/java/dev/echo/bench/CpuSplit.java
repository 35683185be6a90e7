package dev.echo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How the HTTP workloads share the machine's CPUs: the load generator (and the fan-out backend)
 * on the first quarter of the allowed CPUs (at least one), each server on the rest, pinned with
 * {@code taskset}, the same for every contender. With fewer than two CPUs, or without
 * {@code taskset}, nothing is pinned and everything shares all CPUs.
 *
 * @param load   CPUs of wrk and the backend
 * @param server CPUs of the server under test
 * @param pinned whether {@code taskset} enforces the split
 */
record CpuSplit(List<Integer> load, List<Integer> server, boolean pinned) {

    static CpuSplit of(List<Integer> allowed, boolean tasksetAvailable) {
        if (!tasksetAvailable || allowed.size() < 2) {
            return new CpuSplit(allowed, allowed, false);
        }
        int loadCount = Math.max(1, allowed.size() / 4);
        return new CpuSplit(List.copyOf(allowed.subList(0, loadCount)),
                List.copyOf(allowed.subList(loadCount, allowed.size())), true);
    }

    /**
     * The split for this process: its {@code Cpus_allowed_list}, and {@code taskset} from
     * util-linux; {@code -Decho.bench.cpus=shared} (through {@code --jvm-arg}) pins nothing, to
     * compare with figures measured that way.
     */
    static CpuSplit forThisMachine() {
        List<Integer> allowed = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    allowed = parseList(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: no pinning
        }
        if (allowed.isEmpty() || "shared".equals(System.getProperty("echo.bench.cpus"))) {
            if (!allowed.isEmpty()) {
                return new CpuSplit(allowed, allowed, false);
            }
            for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) {
                allowed.add(cpu);
            }
            return new CpuSplit(allowed, allowed, false);
        }
        return of(allowed, Files.isExecutable(Path.of("/usr/bin/taskset")));
    }

    /** A kernel CPU list such as {@code 0-3,6,8-9}. */
    static List<Integer> parseList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash < 0) {
                cpus.add(Integer.parseInt(part.trim()));
            } else {
                int from = Integer.parseInt(part.substring(0, dash).trim());
                int to = Integer.parseInt(part.substring(dash + 1).trim());
                for (int cpu = from; cpu <= to; cpu++) {
                    cpus.add(cpu);
                }
            }
        }
        return cpus;
    }

    /** wrk's threads: one per load CPU when pinned; one when sharing (wrk -t1, as the reference figures). */
    int wrkThreads() {
        return pinned ? load.size() : 1;
    }

    /** The command prefix that pins a process to {@code cpus}, or nothing when not pinned. */
    List<String> prefix(List<Integer> cpus) {
        return pinned ? List.of("/usr/bin/taskset", "-c", join(cpus)) : List.of();
    }

    /** One line for the report's notes. */
    String describe() {
        if (!pinned) {
            return "wrk, the backend and the server share CPUs " + join(server) + " (not pinned: "
                    + (server.size() < 2 ? "one CPU" : "no taskset, or -Decho.bench.cpus=shared") + ")";
        }
        return "wrk and the backend on CPU " + join(load) + ", the server on CPU " + join(server) + " (taskset)";
    }

    private static String join(List<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
