package dev.echo.runtime.reactive;

/**
 * Timeouts for the TCK suites. Generous for an expected signal (it costs only when something is
 * wrong) and short for "no signal" (every test waits it out once or more), so the five suites
 * together stay within a few tens of seconds on a loaded 2-core machine.
 */
final class TckSettings {

    /** How long the TCK waits for a signal it expects. */
    static final long TIMEOUT_MILLIS = 2_000;
    /** How long the TCK waits to be sure no signal comes. */
    static final long NO_SIGNAL_MILLIS = 100;
    /** How long rule 3.13 waits for the subscriber reference to be dropped. */
    static final long GC_MILLIS = 1_000;

    private TckSettings() {
    }
}
