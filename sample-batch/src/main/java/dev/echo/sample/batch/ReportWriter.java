package dev.echo.sample.batch;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the report: a plain-text file whose content depends only on the input (no times, no
 * host names), so that a test can compare it byte for byte.
 *
 * <p>It is written to {@code <output>.partial} and renamed onto {@code <output>} only once
 * complete (an atomic move where the file system has one), so an interrupted run leaves either
 * no report or the previous complete one, never a truncated file that looks finished. The
 * partial file is deleted on failure, and at JVM exit if the run is killed mid-write.
 */
final class ReportWriter {

    /** Endpoints listed; the rest are summed on one line (user logs can have many routes). */
    static final int ENDPOINTS_LISTED = 50;

    private ReportWriter() {
    }

    static void write(AnalysisSummary summary, String inputDescription, Path output) throws IOException {
        Path target = output.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        partial.toFile().deleteOnExit();
        try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            out.write(render(summary, inputDescription));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String render(AnalysisSummary summary, String inputDescription) {
        StringBuilder out = new StringBuilder();
        out.append("Access-log report\n");
        out.append("input: ").append(inputDescription).append('\n');
        out.append(String.format(Locale.ROOT, "lines: %d  records: %d  malformed: %d\n", summary.lines(),
                summary.records(), summary.malformed()));
        out.append('\n');

        List<EndpointSummary> endpoints = new ArrayList<>(summary.endpoints().values());
        endpoints.sort(Comparator.comparingLong(EndpointSummary::requests).reversed()
                .thenComparing(EndpointSummary::endpoint));
        String row = "%-36s %10s %9s %9s %9s %9s %10s %10s\n";
        out.append(String.format(Locale.ROOT, row, "endpoint", "requests", "2xx", "3xx", "4xx", "5xx", "p50 bytes",
                "p99 bytes"));
        for (EndpointSummary e : endpoints.subList(0, Math.min(ENDPOINTS_LISTED, endpoints.size()))) {
            out.append(String.format(Locale.ROOT, row, e.endpoint(), e.requests(), e.byClass()[1], e.byClass()[2],
                    e.byClass()[3], e.byClass()[4], e.sizes().percentile(50), e.sizes().percentile(99)));
        }
        if (endpoints.size() > ENDPOINTS_LISTED) {
            long rest = endpoints.subList(ENDPOINTS_LISTED, endpoints.size()).stream()
                    .mapToLong(EndpointSummary::requests).sum();
            out.append(String.format(Locale.ROOT, "(%d more endpoints, %d requests)\n",
                    endpoints.size() - ENDPOINTS_LISTED, rest));
        }
        out.append('\n');

        out.append("requests by client country\n");
        List<Map.Entry<String, Long>> countries = new ArrayList<>(summary.countries().entrySet());
        countries.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> country : countries) {
            out.append(String.format(Locale.ROOT, "%-12s %10d\n", country.getKey(), country.getValue()));
        }
        out.append('\n');

        out.append(String.format(Locale.ROOT, "malformed lines (first %d of %d)\n", summary.firstMalformed().size(),
                summary.malformed()));
        for (Malformed bad : summary.firstMalformed()) {
            out.append(bad).append('\n');
        }
        return out.toString();
    }
}
