package dev.echo.bench.http.echo;

import dev.echo.bench.http.BackendClients;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** WebFlux on the Echo starter, blocking-style {@code @EchoTask} handlers ({@code echo}, {@code echo-rn-loops}). */
@SpringBootApplication
@Import(BackendClients.class)
public class EchoApp {
}
