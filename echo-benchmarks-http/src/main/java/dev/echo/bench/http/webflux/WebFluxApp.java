package dev.echo.bench.http.webflux;

import dev.echo.bench.http.BackendClients;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Plain WebFlux with reactive handlers ({@code webflux}). */
@SpringBootApplication
@Import(BackendClients.class)
public class WebFluxApp {
}
