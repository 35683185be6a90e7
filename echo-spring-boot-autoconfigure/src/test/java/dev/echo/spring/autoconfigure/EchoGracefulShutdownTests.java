package dev.echo.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.spring.task.EchoTask;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The runtime's stop waits for the web server's graceful shutdown: a real application, a real request. */
class EchoGracefulShutdownTests {

    @Test
    void finishesAnInFlightRequestBeforeTheRuntimeCloses() throws Exception {
        // The first runtime in a JVM starts the JDK's own virtual-thread pollers (four epoll
        // descriptors here, kept by the JDK for the JVM's life): start them before counting.
        EchoRuntime.builder().processors(1).name("graceful-warm-up").build().close();
        long pollersAndSocketsBefore = pollersAndSockets();
        LoopResources clientLoops = LoopResources.create("test-client", 1, true); // not "graceful-": that prefix is the runtime's, checked below
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GracefulApplication.class)
            .properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=graceful", "spring.main.banner-mode=off",
                    "echo.runtime.name=graceful", "echo.runtime.processors=1")
            .run();
        EchoRuntime runtime = context.getBean(EchoRuntime.class);
        HeldRequests held = context.getBean(HeldRequests.class);
        int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
        CompletableFuture<String> response = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.newConnection().runOn(clientLoops)))
            .baseUrl("http://127.0.0.1:" + port).build()
            .get().uri("/held").retrieve().bodyToMono(String.class).toFuture();
        assertThat(held.started.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        assertThat(held.closing.await(30, TimeUnit.SECONDS)).isTrue();
        // The graceful shutdown now waits for the held request; the runtime's phase comes after it.
        assertThat(runtime.isClosed()).isFalse();
        held.release.countDown();

        assertThat(response.get(30, TimeUnit.SECONDS)).isEqualTo("finished during the graceful shutdown");
        closing.get(60, TimeUnit.SECONDS);
        assertThat(runtime.isClosed()).isTrue();
        clientLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.getName().startsWith("graceful-"));
        // The loop's epoll and eventfd descriptors and every socket are closed again.
        assertThat(pollersAndSockets()).isLessThanOrEqualTo(pollersAndSocketsBefore);
    }

    /** This process's epoll, eventfd and socket descriptors (Linux: /proc/self/fd). */
    private static long pollersAndSockets() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map((fd) -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                }
                catch (IOException ex) {
                    return ""; // closed meanwhile (the listing's own descriptor, for one)
                }
            }).filter((target) -> target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]")
                    || target.startsWith("socket:")).count();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ HeldRequests.class, HeldController.class })
    static class GracefulApplication {

    }

    /** The test's handles on the request; a bean of its own because the controller is a proxy. */
    static class HeldRequests implements ApplicationListener<ContextClosedEvent> {

        final CountDownLatch started = new CountDownLatch(1);

        final CountDownLatch closing = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            this.closing.countDown();
        }
    }

    @RestController
    static class HeldController {

        private final HeldRequests held;

        HeldController(HeldRequests held) {
            this.held = held;
        }

        @EchoTask
        @GetMapping("/held")
        public EchoFuture<String> held() throws InterruptedException {
            this.held.started.countDown();
            if (!this.held.release.await(60, TimeUnit.SECONDS)) {
                return EchoFuture.resolved("never released");
            }
            return EchoFuture.resolved("finished during the graceful shutdown");
        }
    }
}
