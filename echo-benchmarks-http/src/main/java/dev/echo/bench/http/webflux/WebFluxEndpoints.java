package dev.echo.bench.http.webflux;

import java.util.List;

import dev.echo.bench.http.Combined;
import dev.echo.bench.http.Greeting;
import dev.echo.bench.http.HttpContenders;
import dev.echo.bench.http.Part;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/** What a WebFlux user writes: {@code Mono.delay} for the wait, {@code Mono.zip} of three WebClient calls. */
@RestController
public class WebFluxEndpoints {

    private final WebClient backend;

    public WebFluxEndpoints(WebClient backend) {
        this.backend = backend;
    }

    @GetMapping("/hello")
    public Mono<Greeting> hello() {
        return Mono.just(Greeting.HELLO);
    }

    @GetMapping("/sleep")
    public Mono<Greeting> sleep() {
        return Mono.delay(HttpContenders.WAIT).thenReturn(Greeting.HELLO);
    }

    @GetMapping("/fanout")
    public Mono<Combined> fanout() {
        return Mono.zip(part(1), part(2), part(3))
                .map(parts -> new Combined(List.of(parts.getT1(), parts.getT2(), parts.getT3())));
    }

    private Mono<Part> part(int id) {
        return this.backend.get().uri("/part/{id}", id).retrieve().bodyToMono(Part.class);
    }
}
