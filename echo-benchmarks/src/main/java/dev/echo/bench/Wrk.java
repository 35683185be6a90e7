package dev.echo.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP workloads' load generator: {@code wrk} (Debian package {@code wrk}), run as a process
 * with {@code --latency} and a small Lua {@code done} hook that prints exact percentiles
 * (p99.9 too, which {@code --latency} does not show) and the error counts on one line.
 *
 * <p>{@link #parse} reads both: the figures {@code wrk} itself prints ({@code Requests/sec},
 * the latency distribution, socket errors, non-2xx responses) and the hook's
 * {@code ECHO-WRK key=value ...} line, whose percentiles win where both give one.
 */
final class Wrk {

    /** Where {@code ./echo.sh bench} and the UNAVAILABLE line point when wrk is missing. */
    static final String INSTALL = "apt-get install -y wrk";

    /** A slow contender is measured as slow, not as errors: wrk's default timeout is 2 s. */
    static final String TIMEOUT = "10s";

    static final String DONE_HOOK = """
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format("ECHO-WRK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\\n",
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
            end
            """;

    /**
     * One run's figures. Latencies in µs; a percentile neither source printed is NaN.
     *
     * @param non2xx responses with a status outside 2xx/3xx
     */
    record Result(long requests, double seconds, double requestsPerSecond, double p50Micros, double p90Micros,
                  double p99Micros, double p999Micros, long connectErrors, long readErrors, long writeErrors,
                  long timeouts, long non2xx) {

        long errors() {
            return connectErrors + readErrors + writeErrors + timeouts + non2xx;
        }

        String describeErrors() {
            return String.format(Locale.ROOT, "connect %d, read %d, write %d, timeout %d, non-2xx %d",
                    connectErrors, readErrors, writeErrors, timeouts, non2xx);
        }
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m|h)\\b");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern HOOK = Pattern.compile("^ECHO-WRK (.*)$", Pattern.MULTILINE);

    private final Path executable;
    private final Path hook;

    private Wrk(Path executable, Path hook) {
        this.executable = executable;
        this.hook = hook;
    }

    /** wrk from the PATH, or empty when it is not installed. */
    static Optional<Path> find() {
        return find(System.getenv("PATH"));
    }

    /** wrk from the directories of {@code path} (a PATH value), or empty. */
    static Optional<Path> find(String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Wrk create(Path executable) throws IOException {
        Path hook = Files.createTempFile("echo-bench-wrk", ".lua");
        hook.toFile().deleteOnExit();
        Files.writeString(hook, DONE_HOOK);
        return new Wrk(executable, hook);
    }

    /** The first line of {@code wrk -v}, e.g. {@code wrk debian/4.1.0-3+b2 [epoll]}. */
    static String version(Path executable) {
        try {
            Process process = new ProcessBuilder(executable.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            String first = out.lines().findFirst().orElse("wrk (version unknown)");
            int copyright = first.indexOf(" Copyright");
            return (copyright > 0 ? first.substring(0, copyright) : first).trim();
        } catch (IOException e) {
            return "wrk (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wrk (version unknown)";
        }
    }

    /**
     * Runs {@code wrk -t threads -c connections -d seconds} against {@code url}, behind
     * {@code cpuPrefix} (a {@code taskset} command, or nothing).
     */
    Result run(List<String> cpuPrefix, int threads, int connections, int seconds, String url)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(cpuPrefix);
        command.addAll(List.of(executable.toString(), "-t", String.valueOf(threads), "-c", String.valueOf(connections),
                "-d", seconds + "s", "--timeout", TIMEOUT, "--latency", "-s", hook.toString(), url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wrk still running " + (seconds + 60) + " s after a " + seconds + " s run");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("wrk exited with status " + process.exitValue() + ": " + output.strip());
        }
        return parse(output);
    }

    /** The figures of one wrk run's output (see the class comment). */
    static Result parse(String output) {
        Matcher rate = RATE.matcher(output);
        Matcher total = TOTAL.matcher(output);
        if (!rate.find() || !total.find()) {
            throw new IllegalArgumentException("not wrk output (no Requests/sec or total line): " + output.strip());
        }
        Map<String, Double> percentiles = new HashMap<>();
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            percentiles.put(percentile.group(1), micros(Double.parseDouble(percentile.group(2)), percentile.group(3)));
        }
        long[] socket = new long[4];
        Matcher errors = SOCKET_ERRORS.matcher(output);
        if (errors.find()) {
            for (int i = 0; i < 4; i++) {
                socket[i] = Long.parseLong(errors.group(i + 1));
            }
        }
        Matcher non2xxLine = NON_2XX.matcher(output);
        long non2xx = non2xxLine.find() ? Long.parseLong(non2xxLine.group(1)) : 0;
        long requests = Long.parseLong(total.group(1));
        double seconds = micros(Double.parseDouble(total.group(2)), total.group(3)) / 1e6;
        double p50 = percentiles.getOrDefault("50", Double.NaN);
        double p90 = percentiles.getOrDefault("90", Double.NaN);
        double p99 = percentiles.getOrDefault("99", Double.NaN);
        double p999 = Double.NaN;
        Matcher hookLine = HOOK.matcher(output);
        if (hookLine.find()) {
            Map<String, Long> fields = new HashMap<>();
            for (String field : hookLine.group(1).trim().split("\\s+")) {
                int eq = field.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("bad ECHO-WRK field '" + field + "' in: " + hookLine.group());
                }
                fields.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
            }
            p50 = fields.get("p50_us");
            p90 = fields.get("p90_us");
            p99 = fields.get("p99_us");
            p999 = fields.get("p999_us");
            socket = new long[] {fields.get("connect"), fields.get("read"), fields.get("write"), fields.get("timeout")};
            non2xx = Math.max(non2xx, fields.get("status"));
        }
        return new Result(requests, seconds, Double.parseDouble(rate.group(1)), p50, p90, p99, p999,
                socket[0], socket[1], socket[2], socket[3], non2xx);
    }

    private static double micros(double value, String unit) {
        return switch (unit) {
            case "us" -> value;
            case "ms" -> value * 1e3;
            case "s" -> value * 1e6;
            case "m" -> value * 60e6;
            case "h" -> value * 3600e6;
            default -> throw new IllegalArgumentException("unknown wrk time unit '" + unit + "'");
        };
    }
}
