package dev.echo.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The web sample: a WebFlux application on the Echo starter. Four things Echo is for, each in
 * its own package, and a dashboard at {@code /} that shows the runtime doing them:
 *
 * <ul>
 *   <li>{@code quotes}: fan-out with a deadline — one request asks several slow backends at once
 *       from Echo tasks, answers with what arrived in time and cancels the rest;</li>
 *   <li>{@code inventory}: blocking JDBC made cheap — an {@code @EchoTask} bean whose JDBC
 *       calls park a task, not a thread;</li>
 *   <li>{@code stream}: server-sent events from a bounded channel, whose producer waits for a
 *       slow client and ends when the client goes away.</li>
 * </ul>
 *
 * Started by {@code ./echo.sh run} or {@code java -jar sample-webapp/target/sample-webapp.jar}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleWebApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleWebApplication.class, args);
    }
}
