package dev.echo.bench;

/**
 * One number a workload reports per system: its name is the {@code <workload>} field of a
 * {@code BENCH} line (a workload's main metric carries the workload's own name, a second one
 * adds a suffix, e.g. {@code timers-p99}), and its unit is one of the contract's units.
 *
 * @param name            the {@code <workload>} field of the BENCH line
 * @param unit            one of {@code ns/op}, {@code ms}, {@code msg/s}, {@code req/s},
 *                        {@code bytes/task}, {@code us}
 * @param higherIsBetter  true for rates (msg/s, req/s), false for times and sizes
 */
record Metric(String name, String unit, boolean higherIsBetter) {

    static Metric lower(String name, String unit) {
        return new Metric(name, unit, false);
    }

    static Metric higher(String name, String unit) {
        return new Metric(name, unit, true);
    }

    /** A measured value of this metric for {@code contender}. */
    Sample sample(Contender contender, double value) {
        return new Sample(this, contender, value);
    }
}
