package dev.echo.bench.http.elastic;

import dev.echo.bench.http.Greeting;
import dev.echo.bench.http.HttpContenders;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What WebFlux users do today with blocking code: wrap it in {@code fromCallable} and move it to
 * {@code Schedulers.boundedElastic()} (10 platform threads per CPU, then a queue). Only
 * {@code http-sleep} measures it; {@code /hello} is here so that readiness checks look alike.
 */
@RestController
public class ElasticEndpoints {

    @GetMapping("/hello")
    public Mono<Greeting> hello() {
        return Mono.just(Greeting.HELLO);
    }

    @GetMapping("/sleep")
    public Mono<Greeting> sleep() {
        return Mono.fromCallable(() -> {
            Thread.sleep(HttpContenders.WAIT);
            return Greeting.HELLO;
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
