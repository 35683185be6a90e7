package dev.echo.sample.batch;

import org.jspecify.annotations.Nullable;

/**
 * One valid request of the log.
 *
 * @param line     its line number, 1-based
 * @param host     the client (an IPv4 address, or a host name some servers log instead)
 * @param endpoint method and route, e.g. {@code GET /api/products/{id}}
 * @param status   the HTTP status
 * @param size     response bytes (0 for "-")
 * @param country  the client's country from the enrich stage; null before it
 */
record AccessRecord(long line, String host, String endpoint, int status, int size, @Nullable String country)
        implements ParsedLine {

    AccessRecord withCountry(String country) {
        return new AccessRecord(line, host, endpoint, status, size, country);
    }
}
