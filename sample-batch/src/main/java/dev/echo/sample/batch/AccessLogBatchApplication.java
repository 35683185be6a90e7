package dev.echo.sample.batch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Runs the access-log job once and exits with Spring Batch's exit code for it (Boot's
 * {@code JobExecutionExitCodeGenerator}: 0 when the job completed, the {@code BatchStatus}
 * ordinal otherwise, 5 for FAILED); a start-up failure (a missing input, say) exits with 1.
 */
@SpringBootApplication
@EnableConfigurationProperties(AccessLogProperties.class)
public class AccessLogBatchApplication {

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(AccessLogBatchApplication.class, args)));
    }
}
