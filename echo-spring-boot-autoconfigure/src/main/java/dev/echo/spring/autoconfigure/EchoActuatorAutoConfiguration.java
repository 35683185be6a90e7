package dev.echo.spring.autoconfigure;

import dev.echo.runtime.EchoRuntime;
import dev.echo.spring.actuate.EchoEndpoint;
import dev.echo.spring.actuate.EchoHealthIndicator;
import dev.echo.spring.actuate.EchoMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Echo under Actuator and Micrometer: the {@code echo} endpoint, the
 * {@code echo} health contributor and the runtime's meters, each only when its module is on
 * the class path and it is not switched off ({@code management.endpoint.echo.access},
 * {@code management.health.echo.enabled}, {@code echo.runtime.metrics.enabled}).
 */
@AutoConfiguration(after = EchoRuntimeAutoConfiguration.class,
        afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(EchoRuntime.class)
public final class EchoActuatorAutoConfiguration {

    /** {@code /actuator/echo}: available unless its access is none (exposure over HTTP is the application's choice). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
    @ConditionalOnAvailableEndpoint(EchoEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EchoEndpoint echoEndpoint(EchoRuntime runtime) {
            return new EchoEndpoint(runtime);
        }
    }

    /** The {@code echo} health contributor (the bean name makes the contributor's name). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("echo")
    @EnableConfigurationProperties(EchoHealthProperties.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "echoHealthIndicator")
        EchoHealthIndicator echoHealthIndicator(EchoRuntime runtime, EchoHealthProperties properties) {
            return new EchoHealthIndicator(runtime, properties.getStallThreshold(), new Status(properties.getStallStatus()));
        }
    }

    /** The runtime's meters, bound by Boot's MeterRegistryPostProcessor to every registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnBooleanProperty(name = "echo.runtime.metrics.enabled", matchIfMissing = true)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        EchoMetrics echoMetrics(EchoRuntime runtime) {
            return new EchoMetrics(runtime);
        }
    }
}
