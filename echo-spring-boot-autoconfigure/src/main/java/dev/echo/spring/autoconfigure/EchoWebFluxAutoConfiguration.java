package dev.echo.spring.autoconfigure;

import java.time.Duration;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.reactive.FutureMono;
import dev.echo.spring.task.EchoTaskExecutor;
import dev.echo.spring.web.EchoLoopResources;
import dev.echo.spring.web.EchoReactiveTypes;
import dev.echo.spring.web.KeepAliveReadResumer;
import dev.echo.spring.web.TransportLoopResources;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Auto-configuration of Echo under Reactor and WebFlux ({@code echo.web.*}): Echo's futures,
 * tasks and channels as reactive types, Echo's loops for Reactor Netty's server and client, and
 * (opt-in) WebFlux's blocking execution on Echo.
 *
 * <p>The loops go in through the {@link ReactorResourceFactory} bean, not a
 * {@code NettyServerCustomizer}: Boot applies the factory's loops after every customizer, so a
 * customizer's {@code runOn} would be overwritten. Ordered before Boot's Netty server and
 * reactive HTTP client auto-configurations, whose own factory backs off.
 */
@AutoConfiguration(after = EchoRuntimeAutoConfiguration.class,
        beforeName = { "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
                "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration" })
@ConditionalOnClass({ Mono.class, FutureMono.class })
@ConditionalOnBean(EchoRuntime.class)
@EnableConfigurationProperties(EchoWebProperties.class)
public final class EchoWebFluxAutoConfiguration {

    /** Echo's types in every ReactiveAdapterRegistry bean, WebFlux's {@code webFluxAdapterRegistry} among them. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static ReactiveAdapterRegistryPostProcessor echoReactiveAdapterRegistryPostProcessor(ObjectProvider<EchoRuntime> runtime) {
        return new ReactiveAdapterRegistryPostProcessor(runtime);
    }

    /**
     * Echo's types in the shared registry too (opt out with
     * {@code echo.web.shared-adapter-registry=false}): MVC, {@code BodyInserters},
     * {@code @Transactional} and Spring Data consult that one, and Spring Data picks its
     * repository flavour from it.
     */
    @Bean
    @ConditionalOnBooleanProperty(name = "echo.web.shared-adapter-registry", matchIfMissing = true)
    SharedAdapterRegistration echoSharedAdapterRegistration(EchoRuntime runtime) {
        return new SharedAdapterRegistration(runtime);
    }

    /** Registers Echo's types in each ReactiveAdapterRegistry bean before anything uses it. */
    static final class ReactiveAdapterRegistryPostProcessor implements BeanPostProcessor {

        private final ObjectProvider<EchoRuntime> runtime;

        ReactiveAdapterRegistryPostProcessor(ObjectProvider<EchoRuntime> runtime) {
            this.runtime = runtime;
        }

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof ReactiveAdapterRegistry registry) {
                EchoReactiveTypes.register(registry, this.runtime::getObject);
            }
            return bean;
        }
    }

    static final class SharedAdapterRegistration implements InitializingBean {

        private final EchoRuntime runtime;

        SharedAdapterRegistration(EchoRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void afterPropertiesSet() {
            EchoReactiveTypes.registerShared(this.runtime);
        }
    }

    /** Reactor Netty's loops: Echo's own (default), or loop threads of their own on Echo's transport. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ ReactorResourceFactory.class, LoopResources.class })
    static class LoopsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ReactorResourceFactory reactorResourceFactory(EchoRuntime runtime, EchoWebProperties properties, Environment environment) {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            // Boot's own factory (which this one replaces) honours this property; so does this one.
            Binder.get(environment).bind("spring.reactor.netty.shutdown-quiet-period", Duration.class)
                .ifBound(factory::setShutdownQuietPeriod);
            switch (properties.getLoops()) {
                // Not managed by the factory: the loop belongs to the runtime and closes with it.
                case ECHO -> factory.setLoopResources(new EchoLoopResources(runtime));
                // Managed: created when the factory starts, shut down when it stops.
                case REACTOR_NETTY -> factory.setLoopResourcesSupplier(
                        () -> new TransportLoopResources(runtime.transport(), LoopResources.DEFAULT_IO_WORKER_COUNT));
            }
            return factory;
        }
    }

    /**
     * Two fixes to Reactor Netty's HTTP server, on either loops: reads are re-armed on kept-alive
     * connections after every response (see {@link KeepAliveReadResumer}: a Reactor Netty 1.3.6
     * path leaves the next request unread), and the listening channel accepts every pending
     * connection per read, not one per loop round ({@link NettyInterop#acceptAllocator()}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ HttpServer.class, NettyServerCustomizer.class })
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class NettyServerFixesConfiguration {

        @Bean
        NettyServerCustomizer echoKeepAliveReadResumer() {
            return KeepAliveReadResumer::installOn;
        }

        @Bean
        NettyServerCustomizer echoAcceptBatching() {
            return (server) -> server.option(ChannelOption.RCVBUF_ALLOCATOR, NettyInterop.acceptAllocator());
        }
    }

    /** {@code echo.web.blocking-execution=true}: WebFlux runs non-reactive controller methods as Echo tasks. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(WebFluxConfigurer.class)
    @ConditionalOnBooleanProperty("echo.web.blocking-execution")
    static class BlockingExecutionConfiguration {

        // Last, so that it wins over Boot's configurer (which sets applicationTaskExecutor under
        // spring.threads.virtual.enabled).
        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        EchoBlockingExecutionConfigurer echoBlockingExecutionConfigurer(EchoRuntime runtime) {
            return new EchoBlockingExecutionConfigurer(new EchoTaskExecutor(runtime));
        }
    }

    static final class EchoBlockingExecutionConfigurer implements WebFluxConfigurer {

        private final EchoTaskExecutor executor;

        EchoBlockingExecutionConfigurer(EchoTaskExecutor executor) {
            this.executor = executor;
        }

        @Override
        public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
            configurer.setExecutor(this.executor);
        }
    }
}
