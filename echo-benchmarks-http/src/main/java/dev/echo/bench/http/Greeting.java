package dev.echo.bench.http;

/** The JSON body of {@code /hello} and {@code /sleep}, the same for every contender. */
public record Greeting(String message) {

    public static final Greeting HELLO = new Greeting("Hello, World!");
}
