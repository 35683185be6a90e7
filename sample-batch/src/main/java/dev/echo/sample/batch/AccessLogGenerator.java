package dev.echo.sample.batch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a deterministic web access log in the common log format: the same seed and line count
 * give the same bytes on every machine (one {@link SplittableRandom}, drawn in one order; no
 * clock, no locale but ROOT/ENGLISH).
 *
 * <pre>
 * 198.51.100.7 - alice [01/Mar/2025:00:00:01 +0000] "GET /api/products/42 HTTP/1.1" 200 2304
 * </pre>
 *
 * About one line in {@code 1 / malformedRate} is broken in one of a few realistic ways (cut
 * short, a garbled status, a size that is not a number, an empty line), so the job's skip path
 * has work.
 */
final class AccessLogGenerator {

    /** The timestamp field, e.g. 01/Mar/2025:00:00:01 +0000; strict, so 31/Feb does not parse. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("dd/MMM/uuuu:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);

    private static final Instant START = Instant.parse("2025-03-01T00:00:00Z");
    private static final String[] USERS = { "alice", "bob", "carol", "dave" };
    /** Client networks (a /16 each), skewed: a few networks send most requests, as in real logs. */
    private static final int NETWORKS = 4096;

    /** One kind of request: how often, and what it answers. */
    private record Route(String method, String path, int weight, int baseSize, int sizeSpread, int[] statuses,
                         int[] statusWeights) {
    }

    private static final Route[] ROUTES = {
        new Route("GET", "/", 8, 5120, 1024, new int[] { 200, 304 }, new int[] { 85, 15 }),
        new Route("GET", "/static/app.js", 10, 48213, 0, new int[] { 200, 304 }, new int[] { 60, 40 }),
        new Route("GET", "/static/style.css", 8, 10240, 0, new int[] { 200, 304 }, new int[] { 60, 40 }),
        new Route("GET", "/api/products", 12, 2048, 6144, new int[] { 200, 500 }, new int[] { 995, 5 }),
        new Route("GET", "/api/products/#", 20, 512, 3584, new int[] { 200, 404, 500 }, new int[] { 940, 55, 5 }),
        new Route("GET", "/api/search?q=#", 10, 1024, 8192, new int[] { 200, 400, 503 }, new int[] { 960, 30, 10 }),
        new Route("POST", "/api/cart", 6, 256, 512, new int[] { 201, 400 }, new int[] { 97, 3 }),
        new Route("GET", "/api/cart/#", 5, 384, 1024, new int[] { 200, 404 }, new int[] { 95, 5 }),
        new Route("POST", "/api/orders", 4, 640, 256, new int[] { 201, 402, 500 }, new int[] { 950, 30, 20 }),
        new Route("GET", "/api/orders/#", 5, 896, 2048, new int[] { 200, 404 }, new int[] { 97, 3 }),
        new Route("POST", "/login", 3, 128, 64, new int[] { 302, 401 }, new int[] { 90, 10 }),
        new Route("GET", "/admin", 1, 2048, 0, new int[] { 301, 403 }, new int[] { 10, 90 }),
        new Route("GET", "/health", 8, 15, 0, new int[] { 200 }, new int[] { 1 }),
    };
    private static final int TOTAL_WEIGHT = java.util.Arrays.stream(ROUTES).mapToInt(Route::weight).sum();

    private final SplittableRandom random;
    private final double malformedRate;
    private final int[] networks = new int[NETWORKS];
    private Instant now = START;
    /** The timestamp text of the second {@link #formattedSecond}: about 50 lines share each. */
    private String formatted = "";
    private long formattedSecond = -1;

    AccessLogGenerator(long seed, double malformedRate) {
        this.random = new SplittableRandom(seed);
        this.malformedRate = malformedRate;
        for (int i = 0; i < NETWORKS; i++) {
            networks[i] = (1 + random.nextInt(223)) << 8 | random.nextInt(256);
        }
    }

    /** Writes {@code lines} lines to {@code file} (replacing it). */
    void write(Path file, long lines) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, lines);
        }
    }

    void write(Writer out, long lines) throws IOException {
        StringBuilder line = new StringBuilder(160);
        for (long i = 0; i < lines; i++) {
            if ((i & 0xFFFF) == 0 && Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("generating the input was interrupted at line " + (i + 1));
            }
            line.setLength(0);
            nextLine(line);
            out.append(line).append('\n');
        }
    }

    private void nextLine(StringBuilder line) {
        now = now.plusMillis(random.nextInt(40));
        double skew = random.nextDouble();
        int network = networks[(int) (skew * skew * skew * NETWORKS)];
        line.append(network >>> 8).append('.').append(network & 0xFF).append('.')
                .append(random.nextInt(256)).append('.').append(1 + random.nextInt(254));
        line.append(" - ").append(random.nextInt(10) == 0 ? USERS[random.nextInt(USERS.length)] : "-");
        line.append(" [");
        if (now.getEpochSecond() != formattedSecond) {
            formattedSecond = now.getEpochSecond();
            formatted = TIMESTAMP.format(now);
        }
        line.append(formatted);
        line.append("] \"");
        Route route = route();
        line.append(route.method()).append(' ');
        String path = route.path();
        int hash = path.indexOf('#');
        if (hash < 0) {
            line.append(path);
        } else {
            line.append(path, 0, hash).append(1 + random.nextInt(5000)).append(path, hash + 1, path.length());
        }
        line.append(" HTTP/1.1\" ");
        int status = status(route);
        line.append(status).append(' ').append(size(route, status));
        if (random.nextDouble() < malformedRate) {
            breakLine(line);
        }
    }

    private Route route() {
        int pick = random.nextInt(TOTAL_WEIGHT);
        for (Route route : ROUTES) {
            pick -= route.weight();
            if (pick < 0) {
                return route;
            }
        }
        throw new AssertionError("weights add up to " + TOTAL_WEIGHT);
    }

    private int status(Route route) {
        int total = 0;
        for (int weight : route.statusWeights()) {
            total += weight;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < route.statuses().length; i++) {
            pick -= route.statusWeights()[i];
            if (pick < 0) {
                return route.statuses()[i];
            }
        }
        throw new AssertionError("status weights add up to " + total);
    }

    private int size(Route route, int status) {
        return switch (status / 100) {
            case 2 -> route.baseSize() + (route.sizeSpread() == 0 ? 0 : random.nextInt(route.sizeSpread()) & ~15);
            case 3 -> status == 304 ? 0 : 162;
            case 4 -> 548 + 16 * (status - 400);
            default -> 1290;
        };
    }

    /** Breaks the finished line in one of four ways. */
    private void breakLine(StringBuilder line) {
        switch (random.nextInt(4)) {
            case 0 -> line.setLength(1 + random.nextInt(line.length() - 1)); // cut short
            case 1 -> { // a garbled status: 2OO for 200
                int status = line.lastIndexOf("\" ") + 2;
                line.setCharAt(status + 1, 'O');
                line.setCharAt(status + 2, 'O');
            }
            case 2 -> line.append("kB"); // the size is not a number
            default -> line.setLength(0); // an empty line
        }
    }
}
