package dev.echo.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the parent collects from its children, and the contract's output made from it.
 *
 * <p>For each metric and system it keeps every sample with the process it came from; the
 * reported value is the median of all of them. Printed, in this order:
 * <ol>
 *   <li>the spread of each figure as {@code #} comments (count, min..max, the median of each
 *       process: a bimodal system shows here);
 *   <li>one {@code BENCH <workload> <system> <value> <unit>} line per metric and system;
 *   <li>an {@code UNAVAILABLE} line per system a workload could not run in this build, and a
 *       {@code FAILED} line per failure;
 *   <li>the markdown table: per metric, each system's median and Echo's value divided by each
 *       alternative's (below 1 is better for Echo where lower is better, above 1 where higher is
 *       better), then notes.
 * </ol>
 */
final class Report {

    /** Samples of one metric of one system, grouped by process number. */
    private static final class Figures {
        final Map<Integer, List<Double>> byProcess = new TreeMap<>();

        void add(int process, double value) {
            byProcess.computeIfAbsent(process, p -> new ArrayList<>()).add(value);
        }

        List<Double> all() {
            List<Double> all = new ArrayList<>();
            byProcess.values().forEach(all::addAll);
            return all;
        }
    }

    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final Map<String, Map<Contender, Figures>> figures = new LinkedHashMap<>();
    private final List<String> unavailable = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** Fixes the order of the metrics (the workloads' order) before any sample arrives. */
    void expect(Workload workload) {
        for (Metric metric : workload.metrics()) {
            metrics.put(metric.name(), metric);
            figures.put(metric.name(), new EnumMap<>(Contender.class));
        }
        workload.unavailable().forEach((contender, why) ->
                unavailable.add("UNAVAILABLE " + workload.name() + " " + contender.id() + " " + why));
    }

    void add(Sample sample, int process) {
        metrics.putIfAbsent(sample.metric().name(), sample.metric());
        figures.computeIfAbsent(sample.metric().name(), m -> new EnumMap<>(Contender.class))
                .computeIfAbsent(sample.contender(), c -> new Figures())
                .add(process, sample.value());
    }

    /** A line for the notes under the table, once however many children send it. */
    void note(String line) {
        if (!notes.contains(line)) {
            notes.add(line);
        }
    }

    void fail(String line) {
        if (!failures.contains(line)) {
            failures.add(line);
        }
    }

    void print(PrintStream out) {
        out.println("# spread: samples, min..max, median of each process");
        forEachFigure((metric, contender, f) -> {
            List<Double> all = f.all();
            List<String> perProcess = f.byProcess.values().stream().map(v -> Format.value(median(v))).toList();
            out.printf("#   %s %s %s: n=%d, %s..%s, processes %s%n", metric.name(), contender.id(),
                    metric.unit(), all.size(), Format.value(min(all)), Format.value(max(all)),
                    String.join(" / ", perProcess));
        });
        forEachFigure((metric, contender, f) -> out.printf("BENCH %s %s %s %s%n", metric.name(),
                contender.id(), Format.value(median(f.all())), metric.unit()));
        unavailable.forEach(out::println);
        failures.forEach(out::println);
        out.println();
        printTable(out);
        printNotes(out);
        out.flush();
    }

    private void printTable(PrintStream out) {
        List<Contender> present = new ArrayList<>();
        for (Contender contender : Contender.values()) {
            if (figures.values().stream().anyMatch(m -> m.containsKey(contender))
                    || (contender == Contender.ECHO && !figures.isEmpty())) {
                present.add(contender);
            }
        }
        List<Contender> alternatives = present.stream().filter(c -> c != Contender.ECHO).toList();
        StringBuilder header = new StringBuilder("| workload | unit | better |");
        StringBuilder rule = new StringBuilder("| --- | --- | --- |");
        for (Contender contender : present) {
            header.append(' ').append(contender.id()).append(" |");
            rule.append(" ---: |");
        }
        for (Contender alternative : alternatives) {
            header.append(" echo / ").append(alternative.id()).append(" |");
            rule.append(" ---: |");
        }
        out.println(header);
        out.println(rule);
        for (Map.Entry<String, Metric> entry : metrics.entrySet()) {
            Metric metric = entry.getValue();
            Map<Contender, Figures> row = figures.getOrDefault(entry.getKey(), Map.of());
            StringBuilder line = new StringBuilder("| ").append(metric.name()).append(" | ")
                    .append(metric.unit()).append(" | ").append(metric.higherIsBetter() ? "higher" : "lower")
                    .append(" |");
            for (Contender contender : present) {
                line.append(' ').append(row.containsKey(contender)
                        ? Format.value(median(row.get(contender).all())) : "n/a").append(" |");
            }
            for (Contender alternative : alternatives) {
                String ratio = "n/a";
                if (row.containsKey(Contender.ECHO) && row.containsKey(alternative)) {
                    double other = median(row.get(alternative).all());
                    if (other != 0) {
                        ratio = Format.ratio(median(row.get(Contender.ECHO).all()) / other);
                    }
                }
                line.append(' ').append(ratio).append(" |");
            }
            out.println(line);
        }
    }

    /** The one goal that compares Echo with itself: select at most twice Echo's pingpong. */
    private void printNotes(PrintStream out) {
        Figures select = figures.getOrDefault("select", Map.of()).get(Contender.ECHO);
        Figures pingpong = figures.getOrDefault("pingpong", Map.of()).get(Contender.ECHO);
        out.println();
        out.println("n/a: not measured in this run (not run, unavailable in this build, or failed: see above).");
        notes.forEach(out::println);
        if (select != null && pingpong != null) {
            out.println("select echo / pingpong echo = "
                    + Format.ratio(median(select.all()) / median(pingpong.all())) + " (goal: at most 2)");
        }
    }

    @FunctionalInterface
    private interface FigureVisitor {
        void visit(Metric metric, Contender contender, Figures figures);
    }

    private void forEachFigure(FigureVisitor visitor) {
        figures.forEach((name, row) -> row.forEach((contender, f) -> visitor.visit(metrics.get(name), contender, f)));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
