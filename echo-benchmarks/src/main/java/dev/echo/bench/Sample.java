package dev.echo.bench;

import java.util.Locale;

/**
 * One measured value: one metric of one system in one round. A child JVM prints each as a
 * {@code RESULT} line; the parent parses them back, and prints medians as {@code BENCH} lines.
 */
record Sample(Metric metric, Contender contender, double value) {

    static final String RESULT = "RESULT";

    /** {@code RESULT <metric> <system> <value> <unit> <higher|lower>}. */
    String toResultLine() {
        return String.join(" ", RESULT, metric.name(), contender.id(), Format.value(value),
                metric.unit(), metric.higherIsBetter() ? "higher" : "lower");
    }

    static Sample parseResultLine(String line) {
        String[] f = line.trim().split(" ");
        if (f.length != 6 || !f[0].equals(RESULT)) {
            throw new IllegalArgumentException("not a RESULT line: " + line);
        }
        Metric metric = new Metric(f[1], f[4], f[5].equals("higher"));
        return new Sample(metric, Contender.byId(f[2]), Double.parseDouble(f[3]));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s %s %s", metric.name(), contender.id(),
                Format.value(value), metric.unit());
    }
}
