package dev.echo.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sample application on a random loopback port, with backends made for the tests: {@code fast}
 * (answers in 10 ms), {@code slow} (takes a minute: always a straggler) and {@code broken} (always
 * 503), under a 500 ms deadline; the pool's 20 connections wait up to 90 s. Every test class carries the same configuration, so they share
 * one application context.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = SampleWebApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "echo.runtime.processors=2", "sample.quotes.deadline=500ms",
                "sample.quotes.backends[0].name=fast", "sample.quotes.backends[0].latency=10ms",
                "sample.quotes.backends[1].name=slow", "sample.quotes.backends[1].latency=60s",
                "sample.quotes.backends[2].name=broken", "sample.quotes.backends[2].latency=10ms",
                "sample.quotes.backends[2].failure-rate=1",
                // InventoryApplicationTests holds every connection while 1,000 requests queue for one.
                "spring.datasource.hikari.connection-timeout=90000" })
public @interface SampleApplicationTest {
}
