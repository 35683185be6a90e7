package dev.echo.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code echo.web.loops=reactor-netty}: the server keeps loop threads of its own, and its
 * channels still use the runtime's transport (epoll here; Reactor Netty alone would pick io_uring,
 * which loads on this machine).
 */
@SpringBootTest(classes = EchoReactorNettyLoopsApplicationTests.LoopsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "echo.runtime.processors=1", "echo.runtime.name=rn", "echo.web.loops=reactor-netty", "server.address=127.0.0.1" })
class EchoReactorNettyLoopsApplicationTests {

    @Autowired
    private ReactiveWebServerApplicationContext context;

    @Test
    void servesOnEpollChannelsOfReactorNettysOwnLoops() {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.context.getWebServer().getPort())
            .responseTimeout(Duration.ofSeconds(30)).build()
            .get().uri("/connection").exchange()
            .expectStatus().isOk()
            .expectBody(Map.class).isEqualTo(Map.of(
                    "channel", EpollSocketChannel.class.getName(),
                    "listener", EpollServerSocketChannel.class.getName(),
                    "onEchoLoop", false,
                    "thread", "reactor-http-epoll"));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ConnectionController.class)
    static class LoopsApplication {

    }

    @RestController
    static class ConnectionController {

        private final EchoRuntime runtime;

        ConnectionController(EchoRuntime runtime) {
            this.runtime = runtime;
        }

        @GetMapping("/connection")
        Map<String, Object> connection(ServerHttpRequest request) {
            Connection connection = ServerHttpRequestDecorator.getNativeRequest(request);
            io.netty.channel.Channel channel = connection.channel();
            return Map.of("channel", channel.getClass().getName(), "listener", channel.parent().getClass().getName(),
                    "onEchoLoop", channel.eventLoop() == NettyInterop.eventLoop(this.runtime),
                    "thread", Thread.currentThread().getName().replaceAll("-[0-9-]+$", ""));
        }
    }
}
