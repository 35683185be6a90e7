package dev.echo.sample.batch;

import java.io.Serializable;

/**
 * A line that was skipped, and why.
 *
 * @param line   its line number, 1-based
 * @param reason what is wrong with it, with an excerpt of the line where that helps
 */
record Malformed(long line, String reason) implements ParsedLine, Serializable {

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
