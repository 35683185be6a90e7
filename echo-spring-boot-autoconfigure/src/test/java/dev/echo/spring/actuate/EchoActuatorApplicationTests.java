package dev.echo.spring.actuate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.NettyInterop;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;
import io.netty.channel.IoEventLoop;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebFlux application with Actuator and Prometheus on a random port, over real HTTP on
 * loopback, with {@code management.endpoints.web.exposure.include=health,echo,metrics,prometheus}:
 * one context for every test here. The runtime has one processor, so that one task in a CPU
 * loop really stalls it; the HTTP server runs on Reactor Netty's own loops
 * ({@code echo.web.loops=reactor-netty}) so that the stalled runtime can still be asked about.
 * The last test closes the runtime.
 */
@SpringBootTest(classes = EchoActuatorApplicationTests.ActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "echo.runtime.processors=1", "echo.runtime.name=actuated", "echo.web.loops=reactor-netty",
                "server.address=127.0.0.1", "management.endpoints.web.exposure.include=health,echo,metrics,prometheus",
                "management.endpoint.health.show-details=always", "management.health.echo.stall-threshold=200ms" })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class EchoActuatorApplicationTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    /** Where the responses docs/actuator.md quotes are written. */
    private static final Path CAPTURED = Path.of("target/actuator-responses");

    @Autowired
    private ReactiveWebServerApplicationContext context;

    @Autowired
    private EchoRuntime runtime;

    @Test
    @Order(1)
    void reportsEveryRuntimeFieldWithPlausibleValuesAfterWorkRan() throws Exception {
        for (int i = 0; i < 50; i++) {
            this.runtime.spawn(() -> Echo.spawn(() -> 1).join()).join();
        }
        Map<String, Object> echo = getJson("/actuator/echo");
        assertThat(echo).containsOnlyKeys("name", "transport", "processors", "tasks", "globalQueueLength", "timersPending",
                "workers", "handOffs", "reactorPendingTasks");
        assertThat(echo).containsEntry("name", "actuated").containsEntry("transport", this.runtime.transport().displayName());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> processors = (List<Map<String, Object>>) echo.get("processors");
        assertThat(processors).singleElement().satisfies((processor) -> {
            assertThat(processor).containsOnlyKeys("id", "state", "queueLength", "tasksRun", "stealsIn", "stealsOut", "globalTakes",
                    "parks", "busyTimeNanos");
            assertThat(processor).containsEntry("id", 0);
            assertThat((String) processor.get("state")).isIn("running", "spinning", "idle");
            assertThat(number(processor, "busyTimeNanos")).isPositive();
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> tasks = (Map<String, Object>) echo.get("tasks");
        assertThat(tasks).containsOnlyKeys("spawned", "live", "ready", "running", "waiting", "completed", "failed", "cancelled");
        assertThat(number(tasks, "spawned")).isGreaterThanOrEqualTo(100);
        assertThat(number(tasks, "completed")).isGreaterThanOrEqualTo(100);
        assertThat(number(tasks, "spawned")).isGreaterThanOrEqualTo(number(tasks, "completed") + number(tasks, "failed")
                + number(tasks, "cancelled") + number(tasks, "live") - 1);
        long tasksRun = processors.stream().mapToLong((p) -> number(p, "tasksRun")).sum();
        assertThat(tasksRun).isGreaterThanOrEqualTo(number(tasks, "completed"));
        assertThat(number(echo, "workers")).isPositive();
        assertThat(number(echo, "globalQueueLength")).isNotNegative();
        assertThat(number(echo, "timersPending")).isNotNegative();
        assertThat(number(echo, "handOffs")).isZero();
        assertThat(number(echo, "reactorPendingTasks")).isNotNegative();
        capture("echo.json", getText("/actuator/echo", MediaType.APPLICATION_JSON));
    }

    @Test
    @Order(2)
    void listsTasksParkedOnAChannelSleepingAndReadingASocketWithWhatTheyWaitOn() throws Exception {
        Channel<String> done = Channel.buffered(16);
        Task<Void> sleeper = this.runtime.spawn("sleeper", () -> {
            Echo.sleep(Duration.ofMinutes(10));
            return null;
        });
        Task<Void> server = this.runtime.spawn("socket-server", () -> {
            try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
                InetSocketAddress address = listener.localAddress();
                Echo.spawn("socket-reader", () -> readUntilClosed(address));
                try (TcpConnection accepted = listener.accept()) {
                    done.receive();
                }
            }
            return null;
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingOn("socket-reader") != null
                    && waitingOn("socket-server") != null && waitingOn("sleeper") != null);
            Map<String, Object> dump = getJson("/actuator/echo/tasks?status=waiting");
            assertThat(dump).containsOnlyKeys("runtime", "matched", "tasks").containsEntry("runtime", "actuated");
            List<Map<String, Object>> tasks = tasks(dump);
            assertThat(tasks).allSatisfy((task) -> {
                assertThat(task).containsKeys("id", "name", "status", "ageMillis", "waitingOn").containsEntry("status", "WAITING");
                assertThat(task.get("stack")).isNull();
            });
            assertThat(byName(tasks, "socket-server").get("waitingOn")).asString()
                .startsWith("receive on Channel#").endsWith("[capacity=16, 0 queued]");
            assertThat(byName(tasks, "sleeper").get("waitingOn")).asString().matches("sleep, timer in \\d+ ms");
            assertThat(byName(tasks, "socket-reader").get("waitingOn")).asString()
                .startsWith("read from TcpConnection[/127.0.0.1:").containsPattern(" -> \\S*127\\.0\\.0\\.1:\\d+]");
            assertThat(number(byName(tasks, "sleeper"), "ageMillis")).isNotNegative();

            Map<String, Object> one = getJson("/actuator/echo/tasks/" + sleeper.id() + "?stack=true");
            assertThat(number(one, "id")).isEqualTo(sleeper.id());
            assertThat(one).containsEntry("name", "sleeper");
            assertThat(one.get("stack")).asList().isNotEmpty().anySatisfy((frame) -> assertThat(frame).asString().contains("Echo.sleep"));

            String text = getText("/actuator/echo/tasks?stack=true", MediaType.TEXT_PLAIN);
            assertThat(text).contains("Echo task dump of runtime 'actuated'")
                .contains("\"sleeper\" #" + sleeper.id() + " status=WAITING")
                .contains("   waiting on: sleep, timer in ")
                .contains("\tat dev.echo.runtime.Echo.sleep(");
            capture("tasks.json", getText("/actuator/echo/tasks?status=waiting", MediaType.APPLICATION_JSON));
            capture("tasks.txt", getText("/actuator/echo/tasks?limit=3&stack=true", MediaType.TEXT_PLAIN));
        }
        finally {
            sleeper.cancel();
            done.send("done");
        }
        server.join();
    }

    @Test
    @Order(3)
    void limitCutsTheListAndStatusFiltersIt() {
        Channel<String> gate = Channel.unbuffered();
        List<Task<String>> parked = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            parked.add(this.runtime.spawn("parked-" + i, gate::receive));
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> parked.stream().allMatch((t) -> t.status() == TaskStatus.WAITING));
            Map<String, Object> limited = getJson("/actuator/echo/tasks?limit=2&status=waiting");
            assertThat(number(limited, "matched")).isGreaterThanOrEqualTo(5);
            assertThat(tasks(limited)).hasSize(2);
            Map<String, Object> ready = getJson("/actuator/echo/tasks?status=ready,running");
            assertThat(tasks(ready)).allSatisfy((task) -> assertThat(task.get("status")).isIn("READY", "RUNNING"));
            assertThat(tasks(ready)).noneSatisfy((task) -> assertThat((String) task.get("name")).startsWith("parked-"));
            Map<String, Object> all = getJson("/actuator/echo/tasks");
            assertThat(tasks(all)).extracting((task) -> task.get("name")).contains("parked-0", "parked-4");
            client().get().uri("/actuator/echo/tasks?limit=10001").exchange().expectStatus().isBadRequest();
            client().get().uri("/actuator/echo/tasks?status=asleep").exchange().expectStatus().isBadRequest();
            client().get().uri("/actuator/echo/tasks/987654321").exchange().expectStatus().isNotFound();
            client().get().uri("/actuator/echo/nothing").exchange().expectStatus().isNotFound();
        }
        finally {
            for (int i = 0; i < parked.size(); i++) {
                gate.send("go");
            }
        }
    }

    @Test
    @Order(4)
    void prometheusScrapesTheRuntimesMetersWithTheirTags() throws Exception {
        this.runtime.spawn(() -> "counted").join();
        String scrape = getText("/actuator/prometheus", MediaType.TEXT_PLAIN);
        assertThat(scrape).containsPattern("echo_tasks_spawned_total\\{name=\"actuated\"\\} \\d+")
            .containsPattern("echo_processor_queue_size\\{name=\"actuated\",processor=\"0\"\\} \\d+")
            .contains("echo_tasks_completed_total{name=\"actuated\",outcome=\"resolved\"}")
            .contains("echo_tasks_live{name=\"actuated\",status=\"waiting\"}")
            .contains("echo_processor_steals_total{direction=\"in\",name=\"actuated\",processor=\"0\"}")
            .contains("echo_processor_busy_seconds_total{name=\"actuated\",processor=\"0\"}")
            .contains("echo_workers{name=\"actuated\"}")
            .containsPattern("echo_reactor_pending_tasks\\{name=\"actuated\"\\} \\d+");
        Map<String, Object> metric = getJson("/actuator/metrics/echo.tasks.spawned");
        assertThat(metric).containsEntry("name", "echo.tasks.spawned").containsEntry("description", "Tasks spawned");
        capture("prometheus.txt", String.join("\n", scrape.lines().filter((line) -> line.contains("echo_")).toList()));
    }

    /**
     * Echo's event loop held inside a task, three more queued behind it: the gauge (and the
     * endpoint) count them, then nothing once they ran. The HTTP server is on Reactor Netty's
     * loops here, so the held Echo loop does not hold up the scrape.
     */
    @Test
    @Order(5)
    void prometheusCountsTheTasksQueuedOnEchosEventLoop() throws Exception {
        IoEventLoop loop = NettyInterop.eventLoop(this.runtime);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(3);
        loop.execute(() -> {
            entered.countDown();
            try {
                release.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("the loop ran the holding task").isTrue();
            for (int i = 0; i < 3; i++) {
                loop.execute(ran::countDown);
            }
            // The meters reuse one snapshot for up to 100 ms: wait for one taken after the three.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(getText("/actuator/prometheus", MediaType.TEXT_PLAIN))
                .contains("echo_reactor_pending_tasks{name=\"actuated\"} 3.0"));
            assertThat(number(getJson("/actuator/echo"), "reactorPendingTasks")).isEqualTo(3);
        }
        finally {
            release.countDown();
        }
        assertThat(ran.await(30, TimeUnit.SECONDS)).as("the queued tasks ran").isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(getText("/actuator/prometheus", MediaType.TEXT_PLAIN))
            .contains("echo_reactor_pending_tasks{name=\"actuated\"} 0.0"));
    }

    @Test
    @Order(6)
    void healthIsUpWhileTheRuntimeProgressesAndDownNamingTheTaskWhileACpuLoopHoldsTheOnlyProcessor() throws Exception {
        client().get().uri("/actuator/health/echo").exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.status").isEqualTo("UP").jsonPath("$.details.processors[0].id").isEqualTo(0);
        AtomicBoolean stop = new AtomicBoolean();
        Task<Void> loop = this.runtime.spawn("cpu-loop", () -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
            return null;
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.status() == TaskStatus.RUNNING);
            Task<String> behind = this.runtime.spawn(() -> "waited behind the loop");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> client().get().uri("/actuator/health/echo").exchange().returnResult(String.class)
                    .getStatus().isSameCodeAs(HttpStatus.SERVICE_UNAVAILABLE));
            String body = getTextAllowingAnyStatus("/actuator/health/echo");
            assertThat(body).contains("\"status\":\"DOWN\"").contains("held by Task#" + loop.id() + "(cpu-loop)")
                .contains("\"processor\":0").contains("\"name\":\"cpu-loop\"");
            capture("health-stalled.json", body);
            client().get().uri("/actuator/health").exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            stop.set(true);
            assertThat(behind.join()).isEqualTo("waited behind the loop");
        }
        finally {
            stop.set(true);
        }
        loop.join();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> client().get().uri("/actuator/health/echo").exchange().returnResult(String.class)
                .getStatus().isSameCodeAs(HttpStatus.OK));
        capture("health-up.json", getText("/actuator/health/echo", MediaType.APPLICATION_JSON));
    }

    @Test
    @Order(7)
    void healthIsDownOnceTheRuntimeIsClosed() {
        this.runtime.close();
        client().get().uri("/actuator/health/echo").exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
            .expectBody().jsonPath("$.status").isEqualTo("DOWN")
            .jsonPath("$.details.reason").isEqualTo("runtime 'actuated' is closed");
    }

    private static Void readUntilClosed(InetSocketAddress address) throws IOException {
        try (TcpConnection connection = TcpConnection.connect(address)) {
            byte[] buffer = new byte[64];
            while (connection.read(buffer) >= 0) {
                // Nothing is sent: the read parks until the server side closes.
            }
        }
        return null;
    }

    private String waitingOn(String name) {
        return this.runtime.taskDump(100, java.util.Set.of(TaskStatus.WAITING), false).tasks().stream()
            .filter((task) -> name.equals(task.name())).map(dev.echo.runtime.TaskInfo::waitingOn).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tasks(Map<String, Object> dump) {
        return (List<Map<String, Object>>) dump.get("tasks");
    }

    private static Map<String, Object> byName(List<Map<String, Object>> tasks, String name) {
        return tasks.stream().filter((task) -> name.equals(task.get("name"))).findFirst()
            .orElseThrow(() -> new AssertionError("no task named " + name + " in " + tasks));
    }

    private static long number(Map<String, Object> json, String key) {
        assertThat(json.get(key)).as(key).isInstanceOf(Number.class);
        return ((Number) json.get(key)).longValue();
    }

    private Map<String, Object> getJson(String path) {
        return client().get().uri(path).accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
            .expectBody(JSON).returnResult().getResponseBody();
    }

    private String getText(String path, MediaType accept) {
        return client().get().uri(path).accept(accept).exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
    }

    private String getTextAllowingAnyStatus(String path) {
        return client().get().uri(path).exchange().expectBody(String.class).returnResult().getResponseBody();
    }

    private static void capture(String file, String body) throws IOException {
        Files.createDirectories(CAPTURED);
        Files.writeString(CAPTURED.resolve(file), body);
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.context.getWebServer().getPort())
            .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ActuatorApplication {

    }
}
