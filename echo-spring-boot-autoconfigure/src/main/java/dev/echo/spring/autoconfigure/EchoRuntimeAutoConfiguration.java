package dev.echo.spring.autoconfigure;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Transport;
import dev.echo.spring.task.EchoTaskAnnotationBeanPostProcessor;
import dev.echo.spring.task.EchoTaskExecutor;

import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.interceptor.SimpleAsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.scheduling.annotation.AsyncAnnotationBeanPostProcessor;

/**
 * Auto-configuration of the application's {@link EchoRuntime} ({@code echo.runtime.*}), its
 * lifecycle, and {@code @EchoTask}.
 *
 * <p>The runtime is deliberately not an {@link java.util.concurrent.Executor} bean: any Executor
 * bean makes Boot's {@code applicationTaskExecutor} back off, which would silently move
 * {@code @Async}, MVC async and JPA bootstrap onto Echo. That happens only when asked for, with
 * {@code echo.runtime.application-task-executor=true}.
 */
@AutoConfiguration(before = TaskExecutionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "echo.runtime.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EchoRuntimeProperties.class)
public final class EchoRuntimeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EchoRuntime echoRuntime(EchoRuntimeProperties properties, ObjectProvider<EchoRuntimeCustomizer> customizers) {
        // Checked here, before the core's own checks, so that Boot's failure report can say what to do.
        if (!AddOpensMissingException.isOpen()) {
            throw new AddOpensMissingException();
        }
        Transport transport = properties.getTransport();
        Throwable unavailable = transport.unavailabilityCause();
        if (unavailable != null) {
            throw new TransportUnavailableException(transport, unavailable);
        }
        EchoRuntime.Builder builder = properties.toBuilder();
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    EchoRuntimeLifecycle echoRuntimeLifecycle(EchoRuntime runtime) {
        return new EchoRuntimeLifecycle(runtime);
    }

    @Bean
    @ConditionalOnMissingBean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static EchoTaskAnnotationBeanPostProcessor echoTaskAnnotationBeanPostProcessor(ObjectProvider<EchoRuntime> runtime,
            ObjectProvider<AsyncUncaughtExceptionHandler> exceptionHandler) {
        return new EchoTaskAnnotationBeanPostProcessor(() -> new EchoTaskExecutor(runtime.getObject()),
                () -> exceptionHandler.getIfAvailable(SimpleAsyncUncaughtExceptionHandler::new));
    }

    /** Echo as the {@code applicationTaskExecutor} (and {@code taskExecutor}, @Async's default), only on request. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("echo.runtime.application-task-executor")
    static class ApplicationTaskExecutorConfiguration {

        @Bean(name = { TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME,
                AsyncAnnotationBeanPostProcessor.DEFAULT_TASK_EXECUTOR_BEAN_NAME })
        EchoTaskExecutor applicationTaskExecutor(EchoRuntime runtime) {
            return new EchoTaskExecutor(runtime);
        }
    }
}
