package dev.echo.spring.actuate;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Spring's defaults hold: with no exposure configured, only {@code health} is served over HTTP;
 * the task dump (names, stack frames) is not, though its bean exists for JMX or a later exposure.
 */
@SpringBootTest(classes = EchoActuatorDefaultExposureTests.DefaultApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "echo.runtime.processors=1", "echo.runtime.name=unexposed", "server.address=127.0.0.1" })
class EchoActuatorDefaultExposureTests {

    @Autowired
    private ReactiveWebServerApplicationContext context;

    @Test
    void servesHealthButNotTheEchoEndpointOverHttp() {
        WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.context.getWebServer().getPort())
            .responseTimeout(Duration.ofSeconds(30)).build();
        client.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        client.get().uri("/actuator/echo").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/echo/tasks").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class DefaultApplication {

    }
}
