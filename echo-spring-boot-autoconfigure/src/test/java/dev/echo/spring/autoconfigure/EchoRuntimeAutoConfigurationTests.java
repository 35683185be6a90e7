package dev.echo.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import dev.echo.runtime.DeadlockException;
import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Transport;
import dev.echo.runtime.chan.Channel;
import dev.echo.spring.task.EchoTaskExecutor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoRuntimeAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, TaskExecutionAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=1");

    @Test
    void createsOneRuntimeWithTheDefaults() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class)).run((context) -> {
            EchoRuntime runtime = context.getBean(EchoRuntime.class);
            assertThat(runtime.name()).isEqualTo("echo");
            assertThat(runtime.processors()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(runtime.transport()).isEqualTo(Transport.EPOLL);
            EchoRuntimeProperties properties = context.getBean(EchoRuntimeProperties.class);
            assertThat(properties.getShutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.isDeadlockDetection()).isFalse();
            assertThat(properties.isApplicationTaskExecutor()).isFalse();
        });
    }

    @Test
    void bindsEveryRuntimeProperty() {
        this.contextRunner.withPropertyValues("echo.runtime.processors=3", "echo.runtime.name=orders",
                "echo.runtime.transport=nio", "echo.runtime.shutdown-timeout=750ms", "echo.runtime.deadlock-detection=true")
            .run((context) -> {
                EchoRuntime runtime = context.getBean(EchoRuntime.class);
                assertThat(runtime.processors()).isEqualTo(3);
                assertThat(runtime.name()).isEqualTo("orders");
                assertThat(runtime.transport()).isEqualTo(Transport.NIO);
                EchoRuntimeProperties properties = context.getBean(EchoRuntimeProperties.class);
                assertThat(properties.getShutdownTimeout()).isEqualTo(Duration.ofMillis(750));
                assertThat(properties.isDeadlockDetection()).isTrue();
                assertThat(runtime.block(Echo::inTask)).isTrue();
                // Detection on: a main task that waits for a channel nobody can send to is reported, not hung.
                assertThatThrownBy(() -> runtime.block(() -> Channel.<String>unbuffered().receive()))
                    .isInstanceOf(DeadlockException.class);
            });
    }

    @Test
    void bindsTheTransportInEitherSpelling() {
        this.contextRunner.withPropertyValues("echo.runtime.transport=EPOLL")
            .run((context) -> assertThat(context.getBean(EchoRuntime.class).transport()).isEqualTo(Transport.EPOLL));
    }

    @Test
    void doesNotApplyWhenDisabled() {
        this.contextRunner.withPropertyValues("echo.runtime.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(EchoRuntime.class).doesNotHaveBean(EchoRuntimeLifecycle.class));
    }

    @Test
    void backsOffWhenTheUserDefinesARuntime() {
        this.contextRunner.withUserConfiguration(UserRuntimeConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(EchoRuntime.class);
            assertThat(context.getBean(EchoRuntime.class).name()).isEqualTo("user");
        });
    }

    @Test
    void runsEachCustomizerOnceInOrderAfterTheProperties() {
        this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).withPropertyValues("echo.runtime.name=from-property")
            .run((context) -> {
                assertThat(context.getBean(EchoRuntime.class).name()).isEqualTo("second");
                assertThat(context.getBean("customizerCalls")).isEqualTo(List.of("first", "second"));
            });
    }

    @Test
    void closesTheRuntimeAndItsThreadsWhenTheContextCloses() {
        AtomicReference<EchoRuntime> runtime = new AtomicReference<>();
        this.contextRunner.withPropertyValues("echo.runtime.name=closing").run((context) -> {
            runtime.set(context.getBean(EchoRuntime.class));
            runtime.get().block(() -> Echo.spawn(() -> 1).join());
            assertThat(context.getBean(EchoRuntimeLifecycle.class).isRunning()).isTrue();
        });
        assertThat(runtime.get().isClosed()).isTrue();
        assertThat(liveThreadNames()).noneMatch((name) -> name.startsWith("closing-"));
    }

    @Test
    void stopsAfterTheWebServersGracefulShutdownAndStop() {
        this.contextRunner.run((context) -> {
            int phase = context.getBean(EchoRuntimeLifecycle.class).getPhase();
            assertThat(phase).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE)
                .isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
        });
    }

    @Test
    void exposesNoExecutorBeanSoBootsApplicationTaskExecutorStays() {
        this.contextRunner.run((context) -> {
            assertThat(context.getBeansOfType(Executor.class)).containsOnlyKeys("applicationTaskExecutor");
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
        });
    }

    @Test
    void becomesTheApplicationTaskExecutorOnlyWhenAskedTo() {
        this.contextRunner.withPropertyValues("echo.runtime.application-task-executor=true").run((context) -> {
            assertThat(context.getBeansOfType(Executor.class)).containsOnlyKeys("applicationTaskExecutor");
            EchoTaskExecutor executor = context.getBean("applicationTaskExecutor", EchoTaskExecutor.class);
            assertThat(context.getBean("taskExecutor")).isSameAs(executor);
            assertThat(executor.runtime()).isSameAs(context.getBean(EchoRuntime.class));
            assertThat(executor.submitCompletable(Echo::inTask).get()).isTrue();
        });
    }

    @Test
    void rejectsZeroProcessorsNamingTheFix() {
        assertRejected("echo.runtime.processors=0", "processors", "must be at least 1");
    }

    @Test
    void rejectsABlankName() {
        assertRejected("echo.runtime.name= ", "name", "must not be blank");
    }

    @Test
    void rejectsANegativeShutdownTimeout() {
        assertRejected("echo.runtime.shutdown-timeout=-1s", "shutdownTimeout", "must be zero or positive");
    }

    @Test
    void rejectsAnUnknownTransport() {
        this.contextRunner.withPropertyValues("echo.runtime.transport=carrier-pigeon").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("carrier-pigeon");
        });
    }

    @Test
    void failsWithTheTransportsReasonAndTheOnesThatLoadWhenTheTransportIsUnavailable() {
        this.contextRunner.withPropertyValues("echo.runtime.transport=kqueue").run((context) -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new TransportUnavailableFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("echo.runtime.transport is set to 'kqueue'");
            assertThat(analysis.getAction()).contains("epoll").contains("nio").doesNotContain("kqueue,");
        });
    }

    private void assertRejected(String property, String field, String message) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(BindValidationException.class);
            BindValidationException failure = (BindValidationException) rootCause(context.getStartupFailure());
            assertThat(failure.getValidationErrors().getAllErrors()).singleElement()
                .satisfies((error) -> assertThat(error.getDefaultMessage()).contains(message))
                .satisfies((error) -> assertThat(error.toString()).contains(field));
        });
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Set<String> liveThreadNames() {
        Set<String> names = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().forEach((thread) -> names.add(thread.getName()));
        return names;
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRuntimeConfiguration {

        @Bean
        EchoRuntime userRuntime() {
            return EchoRuntime.builder().name("user").processors(1).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizerConfiguration {

        private final List<String> log = new ArrayList<>();

        @Bean
        List<String> customizerCalls() {
            return this.log;
        }

        @Bean
        @Order(2)
        EchoRuntimeCustomizer second() {
            return (builder) -> {
                this.log.add("second");
                builder.name("second");
            };
        }

        @Bean
        @Order(1)
        EchoRuntimeCustomizer first() {
            return (builder) -> {
                this.log.add("first");
                builder.name("first");
            };
        }
    }
}
