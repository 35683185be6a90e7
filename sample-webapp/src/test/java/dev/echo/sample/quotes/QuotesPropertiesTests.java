package dev.echo.sample.quotes;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code sample.quotes.*}: a bad value stops start-up, and Boot's report names it. */
@ExtendWith(OutputCaptureExtension.class)
class QuotesPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Properties.class);

    @Test
    void bindsBackendsInOrderWithTheirDefaults() {
        this.runner.withPropertyValues("sample.quotes.backends[0].name=a", "sample.quotes.backends[1].name=b",
                "sample.quotes.backends[1].latency=2s", "sample.quotes.backends[1].failure-rate=0.5")
            .run((context) -> {
                QuotesProperties properties = context.getBean(QuotesProperties.class);
                assertThat(properties.deadline()).hasMillis(300);
                assertThat(properties.backends()).extracting(QuotesProperties.Backend::name).containsExactly("a", "b");
                assertThat(properties.backend("a").latency()).hasMillis(50);
                assertThat(properties.backend("b").latency()).hasSeconds(2);
                assertThat(properties.backend("b").failureRate()).isEqualTo(0.5);
            });
    }

    @Test
    void aFailureRateAboveOneStopsStartUpNamingItsValue(CapturedOutput output) {
        assertThat(report(output, "sample.quotes.backends[0].name=a", "sample.quotes.backends[0].failure-rate=1.5"))
            .contains("sample.quotes").contains("failure-rate must be between 0 and 1, was 1.5");
    }

    @Test
    void aNonPositiveDeadlineStopsStartUpNamingItsValue(CapturedOutput output) {
        assertThat(report(output, "sample.quotes.deadline=0s")).contains("sample.quotes.deadline must be positive, was PT0S");
    }

    @Test
    void aBackendNamedTwiceStopsStartUp(CapturedOutput output) {
        assertThat(report(output, "sample.quotes.backends[0].name=a", "sample.quotes.backends[1].name=a"))
            .contains("names 'a' twice");
    }

    /** Starts an application with these properties; returns Boot's failure report from the output. */
    private static String report(CapturedOutput output, String... properties) {
        // As command-line arguments: above the sample's application.yml, as a user's would be.
        String[] args = java.util.Arrays.stream(properties).map((property) -> "--" + property).toArray(String[]::new);
        assertThatThrownBy(() -> new SpringApplicationBuilder(Properties.class).web(WebApplicationType.NONE).run(args).close())
            .isNotNull();
        String out = output.getOut() + output.getErr();
        assertThat(out).contains("APPLICATION FAILED TO START");
        return out.substring(out.lastIndexOf("APPLICATION FAILED TO START"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(QuotesProperties.class)
    static class Properties {
    }
}
