package dev.echo.bench.http;

import java.util.List;

/** The body of {@code /fanout}: the three backend parts, in order. */
public record Combined(List<Part> parts) {
}
