package dev.echo.spring.autoconfigure;

import io.netty.channel.ChannelOption;
import reactor.netty.http.server.HttpServer;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import dev.echo.spring.web.EchoLoopResources;
import dev.echo.spring.web.EchoReactiveTypes;
import dev.echo.spring.web.TransportLoopResources;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;

class EchoWebFluxAutoConfigurationTests {

    private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoWebFluxAutoConfiguration.class,
                    WebFluxAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=1");

    @Test
    void registersEchoTypesInWebFluxsAdapterRegistry() {
        this.contextRunner.run((context) -> {
            ReactiveAdapterRegistry registry = context.getBean("webFluxAdapterRegistry", ReactiveAdapterRegistry.class);
            assertThat(registry).isNotSameAs(ReactiveAdapterRegistry.getSharedInstance());
            ReactiveAdapter future = registry.getAdapter(EchoFuture.class);
            assertThat(future.getReactiveType()).isEqualTo(EchoFuture.class);
            assertThat(future.getDescriptor().isDeferred()).isFalse();
            assertThat(future.isMultiValue()).isFalse();
            assertThat(registry.getAdapter(Task.class).getReactiveType()).isEqualTo(Task.class);
            ReactiveAdapter channel = registry.getAdapter(Channel.class);
            assertThat(channel.isMultiValue()).isTrue();

            Channel<String> values = Channel.buffered(2);
            values.send("a");
            values.send("b");
            values.close();
            StepVerifier.create(channel.toPublisher(values)).expectNext("a", "b").verifyComplete();
            StepVerifier.create(future.toPublisher(EchoFuture.resolved("x"))).expectNext("x").verifyComplete();
        });
    }

    @Test
    void registersInTheSharedRegistryByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(EchoWebFluxAutoConfiguration.SharedAdapterRegistration.class);
            assertThat(EchoReactiveTypes.isRegistered(ReactiveAdapterRegistry.getSharedInstance())).isTrue();
        });
    }

    @Test
    void leavesTheSharedRegistryAloneWhenOptedOut() {
        this.contextRunner.withPropertyValues("echo.web.shared-adapter-registry=false").run((context) -> {
            assertThat(context).doesNotHaveBean(EchoWebFluxAutoConfiguration.SharedAdapterRegistration.class);
            assertThat(EchoReactiveTypes.isRegistered(context.getBean("webFluxAdapterRegistry", ReactiveAdapterRegistry.class))).isTrue();
        });
    }

    @Test
    void customizesReactorNettysServerToResumeReadsOnKeptAliveConnections() {
        this.contextRunner.run((context) -> assertThat(context).getBean("echoKeepAliveReadResumer")
            .isInstanceOf(NettyServerCustomizer.class));
    }

    @Test
    void customizesReactorNettysServerToAcceptEveryPendingConnectionPerRead() {
        this.contextRunner.run((context) -> {
            HttpServer customized = context.getBean("echoAcceptBatching", NettyServerCustomizer.class)
                .apply(HttpServer.create());
            assertThat(customized.configuration().options()).containsKey(ChannelOption.RCVBUF_ALLOCATOR);
        });
    }

    @Test
    void leavesTheServerAloneOutsideAReactiveWebApplication() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoWebFluxAutoConfiguration.class))
            .run((context) -> assertThat(context).doesNotHaveBean("echoKeepAliveReadResumer")
                .doesNotHaveBean("echoAcceptBatching"));
    }

    @Test
    void putsServerAndClientChannelsOnEchosLoopByDefault() {
        this.contextRunner.run((context) -> {
            ReactorResourceFactory factory = context.getBean(ReactorResourceFactory.class);
            assertThat(factory.isUseGlobalResources()).isFalse();
            assertThat(factory.getLoopResources()).isInstanceOf(EchoLoopResources.class);
            EchoRuntime runtime = context.getBean(EchoRuntime.class);
            assertThat(factory.getLoopResources().onServer(true)).isSameAs(NettyInterop.eventLoop(runtime));
            assertThat(factory.getLoopResources().onClient(true)).isSameAs(NettyInterop.eventLoop(runtime));
            assertThat(factory.getLoopResources().onServerSelect(true)).isSameAs(NettyInterop.eventLoop(runtime));
        });
    }

    @Test
    void givesReactorNettyLoopThreadsOfTheirOwnOnEchosTransportWhenAskedTo() {
        this.contextRunner.withPropertyValues("echo.web.loops=reactor-netty", "spring.reactor.netty.shutdown-quiet-period=0s").run((context) -> {
            ReactorResourceFactory factory = context.getBean(ReactorResourceFactory.class);
            assertThat(factory.getLoopResources()).isInstanceOf(TransportLoopResources.class);
            IoEventLoopGroup loops = (IoEventLoopGroup) factory.getLoopResources().onServer(true);
            assertThat(loops.isIoType(EpollIoHandler.class)).isTrue();
        });
    }

    @Test
    void honoursReactorNettysShutdownQuietPeriodAsBootsFactoryDoes() {
        this.contextRunner.withPropertyValues("echo.web.loops=reactor-netty", "spring.reactor.netty.shutdown-quiet-period=0s")
            .run((context) -> assertThat(context.getBean(ReactorResourceFactory.class))
                .hasFieldOrPropertyWithValue("shutdownQuietPeriod", java.time.Duration.ZERO));
    }

    @Test
    void followsANioRuntimeWithReactorNettyLoops() {
        this.contextRunner.withPropertyValues("echo.web.loops=reactor-netty", "echo.runtime.transport=nio",
                "spring.reactor.netty.shutdown-quiet-period=0s").run((context) -> {
            IoEventLoopGroup loops = (IoEventLoopGroup) context.getBean(ReactorResourceFactory.class).getLoopResources().onServer(true);
            assertThat(loops.isIoType(io.netty.channel.nio.NioIoHandler.class)).isTrue();
        });
    }

    @Test
    void backsOffWhenTheUserDefinesAReactorResourceFactory() {
        this.contextRunner.withUserConfiguration(UserResourceFactoryConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(ReactorResourceFactory.class);
            assertThat(context.getBean(ReactorResourceFactory.class).isUseGlobalResources()).isTrue();
        });
    }

    @Test
    void rejectsAnUnknownLoopsValue() {
        this.contextRunner.withPropertyValues("echo.web.loops=tomcat").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("tomcat");
        });
    }

    @Test
    void routesBlockingExecutionToEchoOnlyWhenAskedTo() {
        this.contextRunner.run((context) -> assertThat(context)
            .doesNotHaveBean(EchoWebFluxAutoConfiguration.EchoBlockingExecutionConfigurer.class));
        this.contextRunner.withPropertyValues("echo.web.blocking-execution=true").run((context) -> assertThat(context)
            .hasSingleBean(EchoWebFluxAutoConfiguration.EchoBlockingExecutionConfigurer.class));
    }

    @Test
    void doesNotApplyWithoutARuntime() {
        this.contextRunner.withPropertyValues("echo.runtime.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(EchoRuntime.class).doesNotHaveBean(ReactorResourceFactory.class);
            ReactiveAdapterRegistry registry = context.getBean("webFluxAdapterRegistry", ReactiveAdapterRegistry.class);
            assertThat(EchoReactiveTypes.isRegistered(registry)).isFalse();
        });
    }

    @Test
    void leavesReactorAloneWhenItIsNotOnTheClassPath() {
        new ApplicationContextRunner().withClassLoader(new FilteredClassLoader(Mono.class))
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class, EchoWebFluxAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=1")
            .run((context) -> assertThat(context).hasSingleBean(EchoRuntime.class)
                .doesNotHaveBean(EchoWebFluxAutoConfiguration.class)
                .doesNotHaveBean(ReactorResourceFactory.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserResourceFactoryConfiguration {

        @Bean
        ReactorResourceFactory userResourceFactory() {
            return new ReactorResourceFactory();
        }
    }
}
