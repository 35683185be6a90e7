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
 * against the {@code echo} contender for 10 minutes (1 with {@code --quick}), one wrk run, and
 * the reliability checks of issue 16:
 * <ul>
 *   <li>0 errors (socket errors and non-2xx responses);
 *   <li>the heap after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), sampled every
 *       minute (10 s with {@code --quick}) under load, flat within 10 % between minute 2 and the end;
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
            wrk.run(cpus.prefix(cpus.load()), cpus.wrkThreads(), 1000, 5, url);
            Thread.sleep(3000);
            // The statistics first, before and after: the probe's keep-alive connection is then
            // open in both fd counts.
            long idleLive = stats(server).get("live");
            long idleThreads = ProcStat.threads(pid);
            long idleFds = ProcStat.openFds(pid);

            List<Long> heap = new ArrayList<>();
            Wrk.Result[] result = new Wrk.Result[1];
            Exception[] failure = new Exception[1];
            Thread load = Thread.ofPlatform().name("soak-wrk").start(() -> {
                try {
                    result[0] = wrk.run(cpus.prefix(cpus.load()), cpus.wrkThreads(), 1000, seconds, url);
                } catch (Exception e) {
                    failure[0] = e;
                }
            });
            // Absolute instants from the load's start: a sample (two jcmd runs) takes a second or
            // more, and sleeping a fixed interval after each put the last one after the load.
            long loadStart = System.nanoTime();
            for (int at = interval; at <= seconds; at += interval) {
                long due = loadStart + TimeUnit.SECONDS.toNanos(at) - (at == seconds ? TimeUnit.SECONDS.toNanos(3) : 0);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
                heap.add(heapAfterFullGc(pid));
            }
            load.join(TimeUnit.SECONDS.toMillis(120));
            if (failure[0] != null) {
                throw failure[0];
            }
            Wrk.Result wrkResult = result[0];
            if (wrkResult.errors() != 0) {
                failures.add("errors under load: " + wrkResult.describeErrors());
            }
            int second = Math.min(1, heap.size() - 1); // the sample at minute 2 (quick: 20 s)
            double drift = 100.0 * (heap.getLast() - heap.get(second)) / heap.get(second);
            if (Math.abs(drift) > FLAT * 100) {
                failures.add(String.format(Locale.ROOT, "heap after full GC not flat: %s KiB at sample 2, %s KiB at the end (%.1f %%)",
                        heap.get(second), heap.getLast(), drift));
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Map<String, Long> after;
            long threads;
            long fds;
            do {
                Thread.sleep(1000);
                after = stats(server);
                threads = ProcStat.threads(pid);
                fds = ProcStat.openFds(pid);
            } while ((after.get("live") > idleLive || threads > idleThreads || fds > idleFds) && System.nanoTime() < deadline);
            if (after.get("live") > idleLive) {
                failures.add("live tasks " + after.get("live") + " 30 s after the load, " + idleLive + " idle before");
            }
            if (threads > idleThreads) {
                failures.add("threads " + threads + " 30 s after the load, " + idleThreads + " idle before");
            }
            if (fds > idleFds) {
                failures.add("open fds " + fds + " 30 s after the load, " + idleFds + " idle before");
            }
            long accounted = after.get("completed") + after.get("failed") + after.get("cancelled") + after.get("live");
            if (after.get("spawned") != accounted) {
                failures.add("stats inconsistent: spawned " + after.get("spawned") + " != completed + failed + cancelled + live = " + accounted);
            }
            HttpWorkload.note(String.format(Locale.ROOT, "soak: %d s, %d requests; heap after full GC (KiB, every %d s): %s;"
                            + " idle before / after: threads %d / %d, fds %d / %d, live tasks %d / %d; stats after: %s",
                    seconds, wrkResult.requests(), interval, heap, idleThreads, threads, idleFds, fds, idleLive,
                    after.get("live"), after));
            for (String f : failures) {
                System.out.println(ChildRun.FAILED + " soak " + contender.id() + " " + f);
            }
            System.out.flush();
            return List.of(RATE.sample(contender, wrkResult.requestsPerSecond()),
                    P99.sample(contender, wrkResult.p99Micros()),
                    P999.sample(contender, wrkResult.p999Micros()),
                    ERRORS.sample(contender, wrkResult.errors()),
                    HEAP_DRIFT.sample(contender, drift));
        }
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
