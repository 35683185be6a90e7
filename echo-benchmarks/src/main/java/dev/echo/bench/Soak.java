package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code soak} (run only when named: {@code ./echo.sh bench soak [--quick]}): {@code http-sleep}
 * against the {@code echo} contender for 10 minutes (1 with {@code --quick}), in two wrk runs, and
 * the reliability checks of issue 16:
 * <ul>
 *   <li>0 errors (socket errors and non-2xx responses);
 *   <li>the heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}) flat within 10 %
 *       between minute 2 (12 s with {@code --quick}: a fifth of the run) and the end, both taken with no request in
 *       flight (the load pauses at minute 2); it is also sampled every minute (10 s) under load;
 *   <li>live tasks, threads and open file descriptors back to their idle values (measured after
 *       a warm-up, before the soak) within 30 s of the load's end;
 *   <li>the runtime's statistics consistent once idle: spawned = completed + failed + cancelled + live
 *       (from the contender's {@code /admin/echo}).
 * </ul>
 * Each check not met is a {@code FAILED soak echo ...} line; the figures are reported either way.
 */
final class Soak extends Workload {

    static final int SECONDS = 600;
    static final int QUICK_SECONDS = 60;
    static final double FLAT = 0.10;
    /** How long the server may take to get back to its idle values after a load. */
    static final int IDLE_WAIT_SECONDS = 30;

    static final Metric RATE = Metric.higher("soak", "req/s");
    static final Metric P99 = Metric.lower("soak-p99", "us");
    static final Metric P999 = Metric.lower("soak-p999", "us");
    static final Metric ERRORS = Metric.lower("soak-errors", "count");
    static final Metric HEAP_DRIFT = Metric.lower("soak-heap-drift", "%");

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern STAT = Pattern.compile("\"(\\w+)\":(\\d+)");

    Soak() {
        super("soak", "http-sleep against echo for 10 min (1 with --quick): errors, heap after GC flat, idle values back, stats consistent",
                List.of(RATE, P99, P999, ERRORS, HEAP_DRIFT), List.of(ECHO));
    }

    @Override
    Map<Contender, String> unavailable() {
        return HttpWorkload.missingPiece().map(why -> Map.of(ECHO, why)).orElse(Map.of());
    }

    @Override
    int defaultProcesses(boolean quick) {
        return 1;
    }

    @Override
    int defaultRounds(boolean quick) {
        return 1;
    }

    @Override
    long defaultChildTimeoutSeconds(boolean quick) {
        return (quick ? QUICK_SECONDS : SECONDS) + 600;
    }

    @Override
    long measureTimeoutSeconds(long suite, boolean quick) {
        return Math.max(suite, (quick ? QUICK_SECONDS : SECONDS) + 300);
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        if (divisor != 1) {
            return List.of();
        }
        boolean quick = session.quick();
        int seconds = quick ? QUICK_SECONDS : SECONDS;
        int interval = quick ? 10 : 60;
        CpuSplit cpus = CpuSplit.forThisMachine();
        Path wrkPath = Wrk.find().orElseThrow();
        Wrk wrk = Wrk.create(wrkPath);
        List<String> options = new ArrayList<>(HttpWorkload.SERVER_OPTIONS);
        options.addAll(session.serverJvmOptions());
        List<String> failures = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(HttpWorkload.contendersJar(), contender.id(),
                cpus.prefix(cpus.server()), options, List.of())) {
            server.awaitReady("/hello");
            long pid = server.pid();
            String url = server.url("/sleep");
            List<String> load = cpus.prefix(cpus.load());
            wrk.run(load, cpus.wrkThreads(), 1000, 5, url);
            // The first jcmd starts the JVM's attach listener, a thread and a socket for good:
            // started before the idle counts, it is in both of them.
            heapAfterFullGc(pid);
            Thread.sleep(3000);
            // The statistics first, before and after: the probe's keep-alive connection is then
            // open in both fd counts.
            long idleLive = stats(server).get("live");
            long idleThreads = ProcStat.threads(pid);
            long idleFds = ProcStat.openFds(pid);

            // The load runs in two parts with a pause at minute 2 (a fifth of the run: 12 s with --quick). The heap
            // after a full GC is compared between that pause and the end, both with no request in
            // flight: under load it is dominated by the requests in flight (it swung 100-190 MiB
            // between minutes in the first soak), which would hide a leak of less than that.
            int settled = seconds / 5;
            List<Long> underLoad = new ArrayList<>();
            Wrk.Result first = loadWithSamples(wrk, load, cpus.wrkThreads(), settled, url, pid, interval, underLoad);
            long liveAtPause = awaitIdle(server, idleLive);
            if (liveAtPause > idleLive) {
                // Then the heap below is taken with requests in flight: say so, do not compare quietly.
                failures.add("live tasks " + liveAtPause + " " + IDLE_WAIT_SECONDS + " s into the pause at " + settled + " s, " + idleLive + " idle before");
            }
            long heapAtSettled = heapAfterFullGc(pid);
            Wrk.Result rest = loadWithSamples(wrk, load, cpus.wrkThreads(), seconds - settled, url, pid, interval, underLoad);
            long errors = first.errors() + rest.errors();
            if (errors != 0) {
                failures.add("errors under load: " + first.describeErrors() + " (minutes to the pause), " + rest.describeErrors() + " (after)");
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_WAIT_SECONDS);
            Map<String, Long> after;
            long threads;
            long fds;
            do {
                Thread.sleep(1000);
                after = stats(server);
                threads = ProcStat.threads(pid);
                fds = ProcStat.openFds(pid);
            } while ((after.get("live") > idleLive || threads > idleThreads || fds > idleFds) && System.nanoTime() < deadline);
            long heapAtEnd = heapAfterFullGc(pid);
            double drift = 100.0 * (heapAtEnd - heapAtSettled) / heapAtSettled;
            if (Math.abs(drift) > FLAT * 100) {
                failures.add(String.format(Locale.ROOT, "heap after full GC not flat: %d KiB at %d s, %d KiB at the end (%.1f %%)",
                        heapAtSettled, settled, heapAtEnd, drift));
            }
            if (after.get("live") > idleLive) {
                failures.add("live tasks " + after.get("live") + " " + IDLE_WAIT_SECONDS + " s after the load, " + idleLive + " idle before");
            }
            if (threads > idleThreads) {
                failures.add("threads " + threads + " " + IDLE_WAIT_SECONDS + " s after the load, " + idleThreads + " idle before");
            }
            if (fds > idleFds) {
                failures.add("open fds " + fds + " " + IDLE_WAIT_SECONDS + " s after the load, " + idleFds + " idle before");
            }
            long accounted = after.get("completed") + after.get("failed") + after.get("cancelled") + after.get("live");
            if (after.get("spawned") != accounted) {
                failures.add("stats inconsistent: spawned " + after.get("spawned") + " != completed + failed + cancelled + live = " + accounted);
            }
            long requests = first.requests() + rest.requests();
            double rate = requests / (first.seconds() + rest.seconds());
            HttpWorkload.note(String.format(Locale.ROOT, "soak: %d s, %d requests; heap after full GC with nothing in flight:"
                            + " %d KiB at %d s, %d KiB at the end; under load (KiB, every %d s): %s;"
                            + " idle before / after: threads %d / %d, fds %d / %d, live tasks %d / %d; stats after: %s",
                    seconds, requests, heapAtSettled, settled, heapAtEnd, interval, underLoad, idleThreads, threads,
                    idleFds, fds, idleLive, after.get("live"), after));
            for (String f : failures) {
                System.out.println(ChildRun.FAILED + " soak " + contender.id() + " " + f);
            }
            System.out.flush();
            // Latency percentiles from the part after the pause (four fifths of the run, warm).
            return List.of(RATE.sample(contender, rate),
                    P99.sample(contender, rest.p99Micros()),
                    P999.sample(contender, rest.p999Micros()),
                    ERRORS.sample(contender, errors),
                    HEAP_DRIFT.sample(contender, drift));
        }
    }

    /**
     * One wrk run of {@code seconds}, sampling the heap after a full GC every {@code interval}
     * seconds while it runs (at fixed instants from its start: a sample takes a second or more).
     */
    private static Wrk.Result loadWithSamples(Wrk wrk, List<String> cpuPrefix, int threads, int seconds, String url,
            long pid, int interval, List<Long> samples) throws Exception {
        Wrk.Result[] result = new Wrk.Result[1];
        Exception[] failure = new Exception[1];
        Thread load = Thread.ofPlatform().name("soak-wrk").start(() -> {
            try {
                result[0] = wrk.run(cpuPrefix, threads, 1000, seconds, url);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        long start = System.nanoTime();
        for (int at = interval; at < seconds; at += interval) {
            long wait = start + TimeUnit.SECONDS.toNanos(at) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            samples.add(heapAfterFullGc(pid));
        }
        load.join(TimeUnit.SECONDS.toMillis(seconds + 120L));
        if (failure[0] != null) {
            throw failure[0];
        }
        if (result[0] == null) {
            throw new IllegalStateException("wrk did not finish within " + (seconds + 120) + " s");
        }
        return result[0];
    }

    /**
     * Waits (up to {@link #IDLE_WAIT_SECONDS}) until the runtime's live tasks are back to
     * {@code idleLive}: nothing in flight. Returns the last count read.
     */
    private static long awaitIdle(ServerProcess server, long idleLive) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_WAIT_SECONDS);
        long live;
        while ((live = stats(server).get("live")) > idleLive && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return live;
    }

    /** The statistics' counters from the echo contender's {@code /admin/echo} (a flat JSON object of numbers). */
    private static Map<String, Long> stats(ServerProcess server) throws IOException, InterruptedException {
        Map<String, Long> stats = new LinkedHashMap<>();
        Matcher field = STAT.matcher(server.body("/admin/echo"));
        while (field.find()) {
            stats.put(field.group(1), Long.parseLong(field.group(2)));
        }
        return stats;
    }

    /** {@code jcmd PID GC.run}, then the used heap (KiB) that {@code GC.heap_info} reports. */
    static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return parseHeapUsed(jcmd(pid, "GC.heap_info"));
    }

    static long parseHeapUsed(String heapInfo) {
        Matcher used = HEAP_USED.matcher(heapInfo);
        if (!used.find()) {
            throw new IllegalArgumentException("no 'used NK' in GC.heap_info: " + heapInfo);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
