package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.ECHO_RN_LOOPS;
import static dev.echo.bench.Contender.MVC_VT;
import static dev.echo.bench.Contender.WEBFLUX;
import static dev.echo.bench.Contender.WEBFLUX_ELASTIC;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HTTP workloads of issue 16: small Spring Boot 4 applications ({@code echo-benchmarks-http},
 * one JVM per measurement, same heap and flags) driven by {@link Wrk} over loopback.
 *
 * <ul>
 *   <li>{@code http-hello}: {@code GET /hello}, a small JSON document, 64 connections: req/s, p99;
 *   <li>{@code http-sleep}: the handler waits 10 ms, 1,000 connections: req/s, p50 / p99 / p99.9,
 *       the server's RSS at the end and its CPU seconds per 1,000 requests (from {@code /proc});
 *   <li>{@code http-fanout}: three concurrent backend calls (a backend process answering after
 *       10 ms), combined; 256 connections: req/s, p99.
 * </ul>
 *
 * The warm-up pass starts each contender's server JVM (and the backend), checks the body it
 * answers and loads it for 30 s (8 s with {@code --quick}) so that what the rounds measure is a
 * warm JVM, as a service in production is; the servers stay up, pinned to the same CPU, until
 * the child ends (idle ones park in epoll_wait). Each round then runs wrk for a warm-up of 5 s
 * (2 s) and the measured 10 s (5 s). Rounds alternate contenders; one child process. A run with
 * a connect, read or write error or a non-2xx response is {@code FAILED}, not a figure, and that
 * contender's server is stopped; requests over wrk's 10 s timeout are counted in a note.
 */
final class HttpWorkload extends Workload {

    /** Load on each server JVM before its first measured round (it then serves every round). */
    static final int JVM_WARMUP_SECONDS = 30;
    static final int QUICK_JVM_WARMUP_SECONDS = 8;
    /** Load before each measured round: wrk's connections are new each round. */
    static final int WARMUP_SECONDS = 5;
    static final int QUICK_WARMUP_SECONDS = 2;
    static final int SECONDS = 10;
    static final int QUICK_SECONDS = 5;

    static final String HELLO_BODY = "{\"message\":\"Hello, World!\"}";
    static final String FANOUT_BODY = "{\"parts\":[{\"id\":1,\"value\":\"part 1\"},{\"id\":2,\"value\":\"part 2\"},"
            + "{\"id\":3,\"value\":\"part 3\"}]}";

    /** Every JVM of the HTTP workloads: JDK HttpClient keeps as many idle connections as the WebClient pool holds. */
    static final List<String> SERVER_OPTIONS = List.of("-Djdk.httpclient.connectionPoolSize=1024");

    private final String path;
    private final String expectedBody;
    private final int connections;
    private final boolean backend;
    private final Supplier<Optional<String>> missing;
    private Map<Contender, String> unavailable;

    private HttpWorkload(String name, String summary, String path, String expectedBody, int connections,
                         boolean backend, List<Metric> metrics, List<Contender> contenders,
                         Supplier<Optional<String>> missing) {
        super(name, summary, metrics, contenders);
        this.missing = missing;
        this.path = path;
        this.expectedBody = expectedBody;
        this.connections = connections;
        this.backend = backend;
    }

    static HttpWorkload hello() {
        return hello(HttpWorkload::missingPiece);
    }

    static HttpWorkload sleep() {
        return sleep(HttpWorkload::missingPiece);
    }

    static HttpWorkload fanout() {
        return fanout(HttpWorkload::missingPiece);
    }

    /** @param missing why this build cannot run it (see {@link #missingPiece()}), or empty */
    static HttpWorkload hello(Supplier<Optional<String>> missing) {
        return new HttpWorkload("http-hello", "GET a small JSON document, 64 connections, wrk: req/s, p99 us",
                "/hello", HELLO_BODY, 64, false,
                List.of(Metric.higher("http-hello", "req/s"), Metric.lower("http-hello-p99", "us")),
                List.of(ECHO, ECHO_RN_LOOPS, WEBFLUX, MVC_VT), missing);
    }

    static HttpWorkload sleep(Supplier<Optional<String>> missing) {
        return new HttpWorkload("http-sleep",
                "the handler waits 10 ms, 1,000 connections, wrk: req/s, p50/p99/p99.9 us, server RSS, CPU s per 1,000 requests",
                "/sleep", HELLO_BODY, 1000, false,
                List.of(Metric.higher("http-sleep", "req/s"), Metric.lower("http-sleep-p50", "us"),
                        Metric.lower("http-sleep-p99", "us"), Metric.lower("http-sleep-p999", "us"),
                        Metric.lower("http-sleep-rss", "MiB"), Metric.lower("http-sleep-cpu", "s/kreq")),
                List.of(ECHO, ECHO_RN_LOOPS, WEBFLUX, MVC_VT, WEBFLUX_ELASTIC), missing);
    }

    static HttpWorkload fanout(Supplier<Optional<String>> missing) {
        return new HttpWorkload("http-fanout",
                "three concurrent backend calls (10 ms each, a separate process), 256 connections, wrk: req/s, p99 us",
                "/fanout", FANOUT_BODY, 256, true,
                List.of(Metric.higher("http-fanout", "req/s"), Metric.lower("http-fanout-p99", "us")),
                List.of(ECHO, ECHO_RN_LOOPS, WEBFLUX, MVC_VT), missing);
    }

    /** {@code echo-benchmarks-http/target/echo-benchmarks-http.jar} beside this jar's module, or {@code -Decho.bench.http.jar}. */
    static Path contendersJar() {
        String configured = System.getProperty("echo.bench.http.jar");
        if (configured != null) {
            return Path.of(configured);
        }
        try {
            Path self = Path.of(HttpWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../echo-benchmarks/target/echo-benchmarks.jar (or target/classes): the module's parent is the project
            Path project = self.getParent().getParent().getParent();
            return project.resolve("echo-benchmarks-http/target/echo-benchmarks-http.jar");
        } catch (Exception e) {
            return Path.of("echo-benchmarks-http/target/echo-benchmarks-http.jar");
        }
    }

    /** Why this build cannot run the HTTP workloads, or empty when it can. */
    static Optional<String> missingPiece() {
        return missingPiece(Wrk.find(), contendersJar());
    }

    static Optional<String> missingPiece(Optional<Path> wrk, Path jar) {
        if (wrk.isEmpty()) {
            return Optional.of("wrk not found on the PATH: install it with `" + Wrk.INSTALL
                    + "` (./echo.sh bench does, when run as root)");
        }
        if (!Files.isRegularFile(jar)) {
            return Optional.of("no contender applications at " + jar + ": build them with ./echo.sh bench"
                    + " (mvn -Pbenchmarks package -pl echo-benchmarks-http -am)");
        }
        return Optional.empty();
    }

    @Override
    synchronized Map<Contender, String> unavailable() {
        if (unavailable == null) {
            Map<Contender, String> lacking = new LinkedHashMap<>();
            missing.get().ifPresent(why -> contenders().forEach(c -> lacking.put(c, why)));
            unavailable = lacking;
        }
        return unavailable;
    }

    @Override
    int defaultProcesses(boolean quick) {
        return 1;
    }

    @Override
    int defaultRounds(boolean quick) {
        return quick ? 1 : 3;
    }

    @Override
    long defaultChildTimeoutSeconds(boolean quick) {
        // contenders x (start-up + JVM warm-up + rounds x (warm-up + measurement)), generously
        return (long) contenders().size() * (120 + defaultRounds(quick) * (quick ? 60 : 90)) + 120;
    }

    @Override
    long measureTimeoutSeconds(long suite, boolean quick) {
        return Math.max(suite, 240);
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        boolean quick = session.quick();
        CpuSplit cpus = CpuSplit.forThisMachine();
        Path wrkPath = Wrk.find().orElseThrow();
        Wrk wrk = Wrk.create(wrkPath);
        String serverKey = name() + "-" + contender.id();
        // A start that fails keeps nothing (startServer stops what it started), so there is nothing to discard.
        ServerProcess server = session.kept(serverKey, () -> startServer(contender, session, cpus));
        String url = server.url(path);
        if (divisor != 1) {
            // The warm-up pass: this server JVM serves every round, so it is warmed once, long
            // enough for C2 to compile the request path (5 s rounds of fresh JVMs measured
            // start-up: the warm soak served 6-7x a cold round's requests).
            int warmJvm = quick ? QUICK_JVM_WARMUP_SECONDS : JVM_WARMUP_SECONDS;
            note(String.format(Locale.ROOT, "http-*: %s -t%d --latency --timeout %s; one server JVM per contender"
                            + " for the whole run (%s %s), warmed by %d s of load before the first round; each round"
                            + " %d s warm-up then %d s measured; %s", Wrk.version(wrkPath), cpus.wrkThreads(),
                    Wrk.TIMEOUT, String.join(" ", ServerProcess.HEAP), String.join(" ", Harness.CHILD_JVM_OPTIONS),
                    warmJvm, roundWarmup(quick), roundSeconds(quick), cpus.describe()));
            wrk.run(cpus.prefix(cpus.load()), cpus.wrkThreads(), connections, warmJvm, url);
            return List.of();
        }
        try {
            wrk.run(cpus.prefix(cpus.load()), cpus.wrkThreads(), connections, roundWarmup(quick), url);
            drainAcceptQueue(server, contender);
            double cpuBefore = ProcStat.cpuSeconds(server.pid());
            int seconds = roundSeconds(quick);
            Wrk.Result result = wrk.run(cpus.prefix(cpus.load()), cpus.wrkThreads(), connections, seconds, url);
            double cpuSeconds = ProcStat.cpuSeconds(server.pid()) - cpuBefore;
            long rss = ProcStat.rssBytes(server.pid());
            check(result.errors() == result.timeouts(), contender.id() + " " + path + " under load: "
                    + result.describeErrors() + " (server log " + server.log() + ")");
            if (result.timeouts() > 0) {
                // Slow, not wrong: kept as a figure, but said, since wrk leaves them out of its latencies.
                note(String.format(Locale.ROOT, "%s %s: %d of %d requests over wrk's %s timeout in one round"
                        + " (not in that round's latency figures)", name(), contender.id(), result.timeouts(),
                        result.requests(), Wrk.TIMEOUT));
            }
            check(result.requests() > 0, contender.id() + " served no request in " + seconds + " s");
            return samples(contender, result, cpuSeconds, rss);
        } catch (Exception | AssertionError e) {
            session.discard(serverKey); // a failed contender is measured no more (ChildRun drops it)
            throw e;
        }
    }

    /** Starts the contender's server (and, for the fan-out, the backend every contender shares) and checks its answer. */
    private ServerProcess startServer(Contender contender, Session session, CpuSplit cpus) throws Exception {
        Path jar = contendersJar();
        List<String> args = new ArrayList<>();
        if (backend) {
            ServerProcess backendServer = session.kept("backend", () -> {
                ServerProcess started = ServerProcess.start(jar, "backend", cpus.prefix(cpus.load()), SERVER_OPTIONS,
                        List.of());
                started.awaitReady("/part/1");
                return started;
            });
            args.add("--bench.backend=" + backendServer.url(""));
        }
        List<String> serverOptions = new ArrayList<>(SERVER_OPTIONS);
        serverOptions.addAll(session.serverJvmOptions());
        ServerProcess server = ServerProcess.start(jar, contender.id(), cpus.prefix(cpus.server()), serverOptions, args);
        try {
            server.awaitReady("/hello");
            String body = server.body(path);
            check(body.equals(expectedBody), contender.id() + " answered " + path + " with " + body);
            return server;
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private static int roundWarmup(boolean quick) {
        return quick ? QUICK_WARMUP_SECONDS : WARMUP_SECONDS;
    }

    private static int roundSeconds(boolean quick) {
        return quick ? QUICK_SECONDS : SECONDS;
    }

    /**
     * Waits (up to 30 s) until the server has accepted every connection still queued in the
     * kernel: warm-up connections wrk closed before the server accepted them stay in the listen
     * queue, and the measured run's connections would queue behind them. Says on standard error
     * how many were left and how long they took; the measured run's own connections are not
     * helped by this (how fast a server accepts under load is part of what is measured).
     */
    private void drainAcceptQueue(ServerProcess server, Contender contender) throws InterruptedException {
        long start = System.nanoTime();
        long first = ProcStat.acceptQueue(server.port());
        long left = first;
        while (left > 0 && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(100);
            left = ProcStat.acceptQueue(server.port());
        }
        if (first > 0) {
            System.err.printf(Locale.ROOT, "  %s %s: %d warm-up connections left in the accept queue, %d after %.1f s%n",
                    name(), contender.id(), first, left, (System.nanoTime() - start) / 1e9);
        }
    }

    private List<Sample> samples(Contender contender, Wrk.Result result, double cpuSeconds, long rss) {
        List<Sample> samples = new ArrayList<>();
        for (Metric metric : metrics()) {
            String suffix = metric.name().substring(name().length());
            double value = switch (suffix) {
                case "" -> result.requestsPerSecond();
                case "-p50" -> result.p50Micros();
                case "-p99" -> result.p99Micros();
                case "-p999" -> result.p999Micros();
                case "-rss" -> rss / (1024.0 * 1024.0);
                case "-cpu" -> cpuSeconds / (result.requests() / 1000.0);
                default -> throw new IllegalStateException("no figure for " + metric.name());
            };
            check(!Double.isNaN(value), "wrk gave no " + metric.name() + " figure");
            samples.add(metric.sample(contender, value));
        }
        return samples;
    }

    /** A line for the report's notes (the parent keeps one copy of each). */
    static void note(String line) {
        System.out.println(ChildRun.NOTE + " " + line);
        System.out.flush();
    }
}
