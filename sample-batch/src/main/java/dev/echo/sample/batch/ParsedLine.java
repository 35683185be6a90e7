package dev.echo.sample.batch;

/** What the parse stage makes of one line: a record, or the reason it was skipped. */
sealed interface ParsedLine permits AccessRecord, Malformed {

    /** The line's number in the input, 1-based. */
    long line();
}
