package dev.echo.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.chan.Channel;
import dev.echo.spring.task.EchoTask;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebFlux application on the starter's auto-configuration, on a random port, over real HTTP on
 * loopback: one context for every test here. The server runs on Echo's loop (the default
 * {@code echo.web.loops=echo}); blocking execution is routed to Echo.
 */
@SpringBootTest(classes = EchoWebApplicationTests.WebApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "echo.runtime.processors=2", "echo.runtime.name=web", "echo.web.blocking-execution=true",
                "server.address=127.0.0.1" })
class EchoWebApplicationTests {

    private static final int CONCURRENT_REQUESTS = 1_000;

    /** The load client's own loop and pool, so that 1,000 connections open at once and none is shared with the server. */
    private static LoopResources clientLoops;

    @Autowired
    private ReactiveWebServerApplicationContext context;

    @Autowired
    private EchoRuntime runtime;

    @Autowired
    private EchoController controller;

    @BeforeAll
    static void createClientLoops() {
        clientLoops = LoopResources.create("load-client", 1, true);
    }

    @AfterAll
    static void disposeClientLoops() {
        clientLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
    }

    @Test
    void answersWithTheValueOfAReturnedEchoFuture() {
        webTestClient().get().uri("/future").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("hello from an Echo task");
    }

    @Test
    void answersWithTheValueOfAReturnedTask() {
        webTestClient().get().uri("/task").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("task Task#");
    }

    @Test
    void answersFromAFunctionalHandlerWhoseBodyIsAnEchoFuture() {
        webTestClient().get().uri("/functional").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("functional, in an Echo task: true");
    }

    @Test
    void streamsAReturnedChannelAsServerSentEvents() {
        Flux<String> events = webTestClient().get().uri("/events").accept(MediaType.TEXT_EVENT_STREAM).exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
            .returnResult(String.class).getResponseBody();
        StepVerifier.create(events).expectNext("event-1", "event-2", "event-3").expectComplete().verify(Duration.ofSeconds(30));
    }

    @Test
    void givesARequestBodyDeclaredAsAChannelToTheHandlerAsItArrives() {
        webTestClient().post().uri("/sum").contentType(MediaType.APPLICATION_JSON).bodyValue("[1, 2, 3, 4]").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("10 from 4 values");
    }

    @Test
    void runsPlainBlockingHandlersAsEchoTasksWhenBlockingExecutionIsOn() {
        webTestClient().get().uri("/plain").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("in an Echo task: true");
    }

    @Test
    void servesOnEpollChannelsDrivenByEchosEventLoop() {
        webTestClient().get().uri("/connection").exchange()
            .expectStatus().isOk()
            .expectBody(Map.class).isEqualTo(Map.of(
                    "channel", EpollSocketChannel.class.getName(),
                    "listener", EpollServerSocketChannel.class.getName(),
                    "onEchoLoop", true));
    }

    /**
     * 1,000 requests whose bodies all block (Thread.sleep, then a latch that opens only when
     * every one of them has arrived): all are answered, none ran on the event loop, and the
     * loop kept reading requests while the earlier ones were blocked - had a body blocked the
     * loop, the later requests could never have been read and the latch would not open.
     */
    @Test
    void answersAThousandConcurrentBlockingEchoTaskRequestsWithoutBlockingTheEventLoop() {
        this.controller.expect(CONCURRENT_REQUESTS);
        long completedBefore = this.runtime.stats().tasksCompleted();
        ConnectionProvider pool = ConnectionProvider.builder("load").maxConnections(CONCURRENT_REQUESTS)
            .pendingAcquireMaxCount(-1).build();
        try {
            WebClient client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool).runOn(clientLoops)))
                .baseUrl(baseUrl()).build();
            List<String> answers = Flux.range(0, CONCURRENT_REQUESTS)
                .flatMap((id) -> client.get().uri("/blocking/{id}", id).retrieve().bodyToMono(String.class), CONCURRENT_REQUESTS)
                .collectList()
                .block(Duration.ofMinutes(2));
            assertThat(answers).hasSize(CONCURRENT_REQUESTS).allMatch((answer) -> answer.startsWith("done "));
            Set<Integer> ids = new TreeSet<>();
            answers.forEach((answer) -> ids.add(Integer.parseInt(answer.substring("done ".length()))));
            assertThat(ids).hasSize(CONCURRENT_REQUESTS).first().isEqualTo(0);
            assertThat(this.controller.ranOnTheEventLoop()).isZero();
            assertThat(this.controller.ranOutsideATask()).isZero();
            assertThat(this.runtime.stats().tasksCompleted() - completedBefore).isGreaterThanOrEqualTo(CONCURRENT_REQUESTS);
        }
        finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /**
     * One kept-alive connection carries every kind of exchange in turn (a future, a task, a
     * server-sent-event stream, a request body read as a channel, a plain blocking handler):
     * each answer must leave the connection ready for the next request. Spoken over a raw
     * socket so that only the server is under test: Reactor Netty 1.3.6's own client sometimes
     * stops reading a pooled connection after a streamed response (the answer sits unread in
     * its socket), which is why {@link #webTestClient()} uses the JDK's client.
     */
    @Test
    void servesEveryKindOfExchangeInTurnOnOneKeptAliveConnection() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(this.context.getWebServer().getPort())) {
            for (int round = 0; round < 40; round++) {
                assertThat(connection.get("/future", "text/plain")).as("round %d: future", round)
                    .isEqualTo("hello from an Echo task");
                assertThat(connection.get("/events", "text/event-stream")).as("round %d: events", round)
                    .isEqualTo("data:event-1\n\ndata:event-2\n\ndata:event-3\n\n");
                assertThat(connection.get("/future", "text/plain")).as("round %d: future after events", round)
                    .isEqualTo("hello from an Echo task");
                assertThat(connection.post("/sum", "application/json", "[1, 2, 3, 4]")).as("round %d: sum", round)
                    .isEqualTo("10 from 4 values");
                assertThat(connection.get("/task", "text/plain")).as("round %d: task after sum", round)
                    .isEqualTo("task Task#");
                assertThat(connection.get("/plain", "text/plain")).as("round %d: plain", round)
                    .isEqualTo("in an Echo task: true");
            }
        }
    }

    @Test
    void cancelsTheTaskWhenTheClientGoesAway() throws Exception {
        long cancelledBefore = this.runtime.stats().tasksCancelled();
        WebClient client = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.newConnection().runOn(clientLoops)))
            .baseUrl(baseUrl()).build();
        CompletableFuture<Task<?>> started = this.controller.nextSlowTask();
        Disposable request = client.get().uri("/slow").retrieve().bodyToMono(String.class).subscribe();
        Task<?> task = started.get(30, TimeUnit.SECONDS);
        assertThat(task.status()).isNotEqualTo(TaskStatus.CANCELLED);
        request.dispose();
        await().atMost(Duration.ofSeconds(30)).until(() -> task.status() == TaskStatus.CANCELLED);
        assertThat(this.runtime.stats().tasksCancelled()).isGreaterThan(cancelledBefore);
    }

    private WebTestClient webTestClient() {
        // The JDK's client: Reactor Netty 1.3.6's sometimes leaves a pooled connection unread
        // after a streamed response (see servesEveryKindOfExchangeInTurnOnOneKeptAliveConnection).
        return WebTestClient.bindToServer(new JdkClientHttpConnector()).baseUrl(baseUrl())
            .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + this.context.getWebServer().getPort();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(EchoController.class)
    static class WebApplication {

        /** BodyInserters find the future's adapter in the shared registry. */
        @Bean
        RouterFunction<ServerResponse> functionalRoutes(EchoRuntime runtime) {
            return RouterFunctions.route().GET("/functional", (request) -> ServerResponse.ok()
                .body(runtime.spawn(() -> "functional, in an Echo task: " + Echo.inTask()).future(), String.class)).build();
        }
    }

    @RestController
    static class EchoController {

        private final EchoRuntime runtime;

        private final AtomicInteger ranOnTheEventLoop = new AtomicInteger();

        private final AtomicInteger ranOutsideATask = new AtomicInteger();

        private volatile CountDownLatch allArrived = new CountDownLatch(0);

        private volatile CompletableFuture<Task<?>> slowTask = new CompletableFuture<>();

        EchoController(EchoRuntime runtime) {
            this.runtime = runtime;
        }

        // The controller is a CGLIB proxy (for @EchoTask): tests read the target's fields through methods.
        int ranOnTheEventLoop() {
            return this.ranOnTheEventLoop.get();
        }

        int ranOutsideATask() {
            return this.ranOutsideATask.get();
        }

        void expect(int requests) {
            this.allArrived = new CountDownLatch(requests);
        }

        CompletableFuture<Task<?>> nextSlowTask() {
            this.slowTask = new CompletableFuture<>();
            return this.slowTask;
        }

        @GetMapping("/future")
        EchoFuture<String> future() {
            return this.runtime.spawn(() -> "hello from " + (Echo.inTask() ? "an Echo task" : "somewhere else")).future();
        }

        @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Channel<String> events() {
            Channel<String> events = Channel.unbuffered();
            this.runtime.spawn(() -> {
                for (int i = 1; i <= 3; i++) {
                    events.send("event-" + i);
                }
                events.close();
            });
            return events;
        }

        @GetMapping("/task")
        Task<String> task() {
            return this.runtime.spawn(() -> "task " + Echo.currentTask().toString().replaceAll("[0-9]+", ""));
        }

        @EchoTask
        @PostMapping("/sum")
        public EchoFuture<String> sum(@RequestBody Channel<Integer> numbers) {
            int sum = 0;
            int count = 0;
            for (int number : numbers) {
                sum += number;
                count++;
            }
            return EchoFuture.resolved(sum + " from " + count + " values");
        }

        @GetMapping("/plain")
        String plain() {
            return "in an Echo task: " + Echo.inTask();
        }

        @GetMapping("/connection")
        Map<String, Object> connection(ServerHttpRequest request) {
            Connection connection = ServerHttpRequestDecorator.getNativeRequest(request);
            io.netty.channel.Channel channel = connection.channel();
            return Map.of("channel", channel.getClass().getName(), "listener", channel.parent().getClass().getName(),
                    "onEchoLoop", channel.eventLoop() == NettyInterop.eventLoop(this.runtime));
        }

        @EchoTask
        @GetMapping("/blocking/{id}")
        public EchoFuture<String> blocking(@PathVariable("id") int id) throws InterruptedException {
            if (NettyInterop.eventLoop(this.runtime).inEventLoop()) {
                this.ranOnTheEventLoop.incrementAndGet();
            }
            if (!Echo.inTask()) {
                this.ranOutsideATask.incrementAndGet();
            }
            Thread.sleep(1);
            CountDownLatch latch = this.allArrived;
            latch.countDown();
            if (!latch.await(90, TimeUnit.SECONDS)) {
                return EchoFuture.resolved("gave up waiting: " + latch.getCount() + " requests never arrived");
            }
            return EchoFuture.resolved("done " + id);
        }

        @EchoTask
        @GetMapping("/slow")
        public EchoFuture<String> slow() {
            this.slowTask.complete(Echo.currentTask());
            Echo.sleep(Duration.ofMinutes(5));
            return EchoFuture.resolved("too late");
        }
    }
}
