package dev.echo.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.echo.spring.task.EchoTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad set-ups end in Boot's "APPLICATION FAILED TO START" report with the cause and the fix:
 * real applications started each way (a child JVM for the missing JVM flag, which this JVM has).
 */
@ExtendWith(OutputCaptureExtension.class)
class EchoFailureAnalysisTests {

    @Test
    void reportsTheMissingAddOpensFlagFromAJvmStartedWithoutIt() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dspring.main.banner-mode=off", "-Dspring.main.web-application-type=none", PlainApplication.class.getName())
            .redirectErrorStream(true)
            .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Echo Runtime could not start: Echo needs the JVM flag --add-opens java.base/java.lang=ALL-UNNAMED")
            .contains("Action:")
            .contains("Add --add-opens java.base/java.lang=ALL-UNNAMED to the java command line");
    }

    @Test
    void reportsAnUnavailableTransportWithTheOnesThatLoad(CapturedOutput output) {
        assertThatThrownBy(() -> start("echo.runtime.transport=kqueue")).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("echo.runtime.transport is set to 'kqueue', which cannot load on this machine")
            .contains("Set echo.runtime.transport to one that loads here (auto, epoll");
    }

    @Test
    void reportsAnInvalidValueNamingThePropertyAndTheFix(CapturedOutput output) {
        assertThatThrownBy(() -> start("echo.runtime.processors=0")).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("Property: echo.runtime.processors")
            .contains("Value: \"0\"")
            .contains("must be at least 1 (the number of tasks that run at once); remove it to use one per available CPU");
    }

    @Test
    void reportsAnUnknownTransportWithTheValidValues(CapturedOutput output) {
        assertThatThrownBy(() -> start("echo.runtime.transport=pigeon")).isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("echo.runtime.transport")
            .contains("The following values are valid:")
            .contains("EPOLL");
    }

    @Test
    void reportsAnEchoTaskMethodWithAnUnsupportedReturnType(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(PlainApplication.class, BadTaskConfiguration.class)
            .web(WebApplicationType.NONE).properties("spring.main.banner-mode=off", "echo.runtime.processors=1").run())
            .isNotNull();
        assertThat(output).contains("APPLICATION FAILED TO START")
            .contains("@EchoTask method " + BadTask.class.getName() + ".count returns int")
            .contains("Change the return type of " + BadTask.class.getName() + ".count to void, EchoFuture<T>");
    }

    private static void start(String... properties) {
        new SpringApplicationBuilder(PlainApplication.class).web(WebApplicationType.NONE)
            .properties("spring.main.banner-mode=off")
            .properties(properties)
            .run()
            .close();
    }

    /** Also the child JVM's main class. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class PlainApplication {

        public static void main(String[] args) {
            SpringApplication.run(PlainApplication.class, args).close();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadTaskConfiguration {

        @Bean
        BadTask badTask() {
            return new BadTask();
        }
    }

    static class BadTask {

        @EchoTask
        public int count() {
            return List.of().size();
        }
    }
}
