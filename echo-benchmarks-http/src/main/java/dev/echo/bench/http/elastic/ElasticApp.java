package dev.echo.bench.http.elastic;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** WebFlux with the blocking handler offloaded to {@code boundedElastic} ({@code webflux-elastic}). */
@SpringBootApplication
public class ElasticApp {
}
