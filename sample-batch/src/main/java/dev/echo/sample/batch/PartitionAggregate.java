package dev.echo.sample.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregate stage's state for one partition. Owned by that stage's single worker: no
 * locking, and it is read only after the pipeline has ended.
 */
final class PartitionAggregate {

    /** One endpoint while counting: its sizes kept raw until the end, then compressed. */
    private static final class Counting {
        final long[] byClass = new long[5];
        int[] sizes = new int[64];
        int n;

        void add(AccessRecord record) {
            byClass[Math.clamp(record.status() / 100 - 1, 0, 4)]++;
            if (n == sizes.length) {
                sizes = Arrays.copyOf(sizes, n * 2);
            }
            sizes[n++] = record.size();
        }
    }

    private final Map<String, Counting> endpoints = new HashMap<>();
    private final Map<String, Long> countries = new HashMap<>();
    private final List<Malformed> malformed = new ArrayList<>();
    private long lines;
    private long records;
    private long malformedCount;

    void add(AccessRecord record) {
        lines++;
        records++;
        endpoints.computeIfAbsent(record.endpoint(), e -> new Counting()).add(record);
        countries.merge(record.country(), 1L, Long::sum);
    }

    void skip(Malformed line) {
        lines++;
        malformedCount++;
        malformed.add(line);
    }

    long lines() {
        return lines;
    }

    AnalysisSummary toSummary() {
        Map<String, EndpointSummary> summaries = new TreeMap<>();
        endpoints.forEach((name, counting) -> summaries.put(name, new EndpointSummary(name, counting.n,
                counting.byClass, SizeDistribution.of(counting.sizes, counting.n))));
        malformed.sort((a, b) -> Long.compare(a.line(), b.line()));
        List<Malformed> first = malformed.subList(0, Math.min(AnalysisSummary.MALFORMED_LISTED, malformed.size()));
        return new AnalysisSummary(lines, records, malformedCount, first, summaries, countries);
    }
}
