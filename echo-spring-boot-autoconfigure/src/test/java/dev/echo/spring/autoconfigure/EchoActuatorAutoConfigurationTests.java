package dev.echo.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.echo.runtime.EchoRuntime;
import dev.echo.spring.actuate.EchoEndpoint;
import dev.echo.spring.actuate.EchoHealthIndicator;
import dev.echo.spring.actuate.EchoMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class EchoActuatorAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoActuatorAutoConfiguration.class,
                EndpointAutoConfiguration.class, MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .withPropertyValues("echo.runtime.processors=2", "echo.runtime.name=ctx", "management.endpoints.web.exposure.include=echo");

    @Test
    void providesTheEndpointTheHealthIndicatorAndTheMetersWithActuatorAndMicrometer() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(EchoEndpoint.class).hasSingleBean(EchoMetrics.class).hasBean("echoHealthIndicator");
            assertThat(context.getBean("echoHealthIndicator")).isInstanceOf(EchoHealthIndicator.class);
        });
    }

    @Test
    void theEndpointBacksOffWithoutActuator() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
            .run((context) -> assertThat(context).hasSingleBean(EchoRuntime.class).doesNotHaveBean(EchoEndpoint.class));
    }

    @Test
    void theEndpointBacksOffWhenItsAccessIsNone() {
        // Upper case: the runner's environment lacks the application's lenient enum conversion.
        this.contextRunner.withPropertyValues("management.endpoint.echo.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(EchoEndpoint.class).hasSingleBean(EchoMetrics.class));
    }

    @Test
    void theEndpointBacksOffWhenNotExposed() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoActuatorAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=1")
            .run((context) -> assertThat(context).doesNotHaveBean(EchoEndpoint.class));
    }

    @Test
    void theHealthIndicatorBacksOffWithoutSpringBootHealth() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
            .run((context) -> assertThat(context).doesNotHaveBean("echoHealthIndicator").hasSingleBean(EchoEndpoint.class));
    }

    @Test
    void theHealthIndicatorBacksOffWhenDisabledByProperty() {
        this.contextRunner.withPropertyValues("management.health.echo.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("echoHealthIndicator").hasSingleBean(EchoEndpoint.class));
    }

    @Test
    void theHealthIndicatorBacksOffWhenHealthIndicatorsAreOffByDefault() {
        this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("echoHealthIndicator"));
    }

    @Test
    void theMetersBackOffWithoutMicrometer() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoActuatorAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(MeterBinder.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("echo.runtime.processors=1")
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EchoMetrics.class));
    }

    @Test
    void theMetersBackOffWithoutAMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoActuatorAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=1")
            .run((context) -> assertThat(context).doesNotHaveBean(EchoMetrics.class));
    }

    @Test
    void theMetersBackOffWhenDisabledByProperty() {
        this.contextRunner.withPropertyValues("echo.runtime.metrics.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(EchoMetrics.class).hasSingleBean(EchoEndpoint.class));
    }

    @Test
    void nothingIsConfiguredWithoutTheRuntime() {
        this.contextRunner.withPropertyValues("echo.runtime.enabled=false").run((context) -> assertThat(context)
            .doesNotHaveBean(EchoEndpoint.class).doesNotHaveBean(EchoMetrics.class).doesNotHaveBean("echoHealthIndicator"));
    }

    @Test
    void bindsEveryMeterToTheRegistryWithTheRuntimesNameTag() {
        this.contextRunner.run((context) -> {
            EchoRuntime runtime = context.getBean(EchoRuntime.class);
            runtime.spawn(() -> 1).join();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            for (String name : List.of("echo.tasks.spawned", "echo.tasks.completed", "echo.tasks.woken", "echo.tasks.live",
                    "echo.channel.messages.sent", "echo.channel.messages.received", "echo.processor.queue.size",
                    "echo.processor.tasks.run", "echo.processor.steals", "echo.processor.parks", "echo.processor.busy",
                    "echo.global.queue.size", "echo.timers.pending", "echo.workers", "echo.handoffs")) {
                assertThat(registry.find(name).tag("name", "ctx").meters()).as(name).isNotEmpty();
            }
            assertThat(registry.get("echo.tasks.completed").tags("outcome", "resolved").functionCounter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("echo.tasks.completed").meters()).hasSize(3);
            assertThat(registry.get("echo.tasks.live").meters()).hasSize(3);
            assertThat(registry.get("echo.processor.queue.size").meters()).hasSize(2);
            assertThat(registry.get("echo.processor.steals").tags("processor", "1", "direction", "out").functionCounter()).isNotNull();
            assertThat(registry.get("echo.processor.busy").tags("processor", "0").functionCounter().getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("echo.workers").gauge().value()).isPositive();
        });
    }

    @Test
    void bindsTheStallThresholdAndStatusAndReportsDownAfterClose() {
        this.contextRunner.withPropertyValues("management.health.echo.stall-threshold=250ms", "management.health.echo.stall-status=OUT_OF_SERVICE")
            .run((context) -> {
                EchoHealthProperties properties = context.getBean(EchoHealthProperties.class);
                assertThat(properties.getStallThreshold()).isEqualTo(Duration.ofMillis(250));
                assertThat(properties.getStallStatus()).isEqualTo("OUT_OF_SERVICE");
                HealthIndicator indicator = context.getBean("echoHealthIndicator", HealthIndicator.class);
                Health up = indicator.health();
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails()).containsKeys("name", "processors", "globalQueueLength");
                context.getBean(EchoRuntime.class).close();
                Health down = indicator.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsEntry("reason", "runtime 'ctx' is closed");
            });
    }
}
