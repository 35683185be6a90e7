package dev.echo.sample.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a partition found, or (merged) the whole input: serializable, because a partition hands
 * it back through its step execution's context, which the job repository stores; with remote
 * partitioning that is the only way back from a worker to the manager.
 *
 * @param lines          lines read
 * @param records        valid records aggregated
 * @param malformed      malformed lines skipped
 * @param firstMalformed the first {@link #MALFORMED_LISTED} of them by line number
 * @param endpoints      by endpoint name
 * @param countries      requests by client country
 */
record AnalysisSummary(long lines, long records, long malformed, List<Malformed> firstMalformed,
                       Map<String, EndpointSummary> endpoints, Map<String, Long> countries) implements Serializable {

    /** Malformed lines a summary keeps (the lowest line numbers), and the report lists. */
    static final int MALFORMED_LISTED = 100;

    static final AnalysisSummary EMPTY = new AnalysisSummary(0, 0, 0, List.of(), Map.of(), Map.of());

    AnalysisSummary {
        firstMalformed = List.copyOf(firstMalformed);
        endpoints = new TreeMap<>(endpoints);
        countries = new TreeMap<>(countries);
    }

    AnalysisSummary merge(AnalysisSummary other) {
        List<Malformed> malformedLines = new ArrayList<>(firstMalformed);
        malformedLines.addAll(other.firstMalformed);
        malformedLines.sort(Comparator.comparingLong(Malformed::line));
        Map<String, EndpointSummary> mergedEndpoints = new TreeMap<>(endpoints);
        other.endpoints.forEach((name, summary) -> mergedEndpoints.merge(name, summary, EndpointSummary::merge));
        Map<String, Long> mergedCountries = new TreeMap<>(countries);
        other.countries.forEach((country, count) -> mergedCountries.merge(country, count, Long::sum));
        return new AnalysisSummary(lines + other.lines, records + other.records, malformed + other.malformed,
                malformedLines.subList(0, Math.min(MALFORMED_LISTED, malformedLines.size())), mergedEndpoints,
                mergedCountries);
    }
}
