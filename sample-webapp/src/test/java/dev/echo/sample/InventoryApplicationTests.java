package dev.echo.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.TaskInfo;
import dev.echo.runtime.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/items/{id}}: an {@code @EchoTask} bean doing blocking JDBC (Hikari's 20
 * connections, H2 with a 20 ms query), called from a controller that returns its future.
 */
@SampleApplicationTest
class InventoryApplicationTests {

    private static final int CONCURRENT_REQUESTS = 1_000;

    private static final int POOL_SIZE = 20;

    /** The load client's own loop, so that its connections share nothing with the server. */
    private static LoopResources clientLoops;

    @LocalServerPort
    private int port;

    @Autowired
    private EchoRuntime runtime;

    @Autowired
    private DataSource dataSource;

    @BeforeAll
    static void createClientLoops() {
        clientLoops = LoopResources.create("load-client", 1, true);
    }

    @AfterAll
    static void disposeClientLoops() {
        clientLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block();
    }

    @Test
    void answersAnItemFromTheDatabase() {
        client().get().uri("/api/items/42").exchange()
            .expectStatus().isOk()
            .expectBody(String.class).isEqualTo("{\"id\":42,\"name\":\"item 42\",\"stock\":54,\"price\":47.99}");
    }

    @Test
    void answersNotFoundForAnItemThatIsNotThere() {
        client().get().uri("/api/items/1000000").exchange()
            .expectStatus().isNotFound()
            .expectBody(String.class).value((body) -> assertThat(body).contains("no item with id 1000000"));
    }

    /**
     * 1,000 requests at once while the test holds all 20 connections of the pool: every request
     * arrives and its task parks in Hikari's {@code getConnection} — 1,000 parked tasks at once,
     * and the JVM's platform threads do not grow with them. Released, the pool serves them 20 at
     * a time, and every request is answered with its own row.
     */
    @Test
    void holdsAThousandConcurrentBlockingRequestsAsParkedTasksAndAnswersThemAll() throws SQLException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int platformThreadsBefore = threads.getThreadCount();
        List<Connection> held = new ArrayList<>();
        ConnectionProvider pool = ConnectionProvider.builder("load").maxConnections(CONCURRENT_REQUESTS)
            .pendingAcquireMaxCount(-1).build();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                held.add(this.dataSource.getConnection());
            }
            WebClient client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool).runOn(clientLoops)))
                .baseUrl("http://127.0.0.1:" + this.port).build();
            CompletableFuture<List<Map<String, Object>>> answers = Flux.range(1, CONCURRENT_REQUESTS)
                .flatMap((id) -> client.get().uri("/api/items/{id}", id).retrieve()
                    .bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
                    }), CONCURRENT_REQUESTS)
                .collectList()
                .toFuture();

            await().atMost(Duration.ofSeconds(60)).until(() -> waitingForAConnection().size() == CONCURRENT_REQUESTS);
            assertThat(waitingForAConnection()).allMatch((task) -> task.waitingOn().startsWith("JDK "));
            assertThat(threads.getThreadCount() - platformThreadsBefore).as("platform threads added").isLessThan(50);
            assertThat(answers).isNotDone();

            closeAll(held);
            List<Map<String, Object>> items = answers.orTimeout(2, java.util.concurrent.TimeUnit.MINUTES).join();
            assertThat(items).hasSize(CONCURRENT_REQUESTS);
            assertThat(items).extracting((item) -> ((Number) item.get("id")).intValue()).doesNotHaveDuplicates()
                .allMatch((id) -> id >= 1 && id <= CONCURRENT_REQUESTS);
            assertThat(items).allMatch((item) -> item.get("name").equals("item " + item.get("id")));
        }
        finally {
            closeAll(held);
            pool.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    private List<TaskInfo> waitingForAConnection() {
        return this.runtime.taskDump(10_000, Set.of(TaskStatus.WAITING), false).tasks().stream()
            .filter((task) -> "inventory.find".equals(task.name())).toList();
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection connection : connections) {
            connection.close();
        }
        connections.clear();
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).responseTimeout(Duration.ofSeconds(30)).build();
    }
}
