package dev.echo.bench.http;

/** What the backend answers on {@code /part/{id}}: {@code {"id":1,"value":"part 1"}}. */
public record Part(int id, String value) {
}
