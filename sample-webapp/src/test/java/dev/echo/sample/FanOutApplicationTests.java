package dev.echo.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.TaskInfo;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/quotes} over real HTTP: the aggregator calls the backends of the same application
 * through the JDK's HTTP client on loopback. Backends: {@code fast}, {@code slow} (a minute),
 * {@code broken} (503); deadline 500 ms ({@link SampleApplicationTest}).
 */
@SampleApplicationTest
class FanOutApplicationTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @LocalServerPort
    private int port;

    @Autowired
    private EchoRuntime runtime;

    @Test
    void answersAtTheDeadlineWithWhatArrivedAndCancelsTheStraggler() {
        long cancelledBefore = number(get("/api/quotes/stats"), "stragglersCancelled");
        long slowDisconnectsBefore = backend("slow", "disconnected");

        Map<String, Object> board = get("/api/quotes?item=lamp");

        assertThat(board).containsEntry("item", "lamp").containsEntry("deadlineMillis", 500).containsEntry("complete", false);
        List<Map<String, Object>> quotes = quotes(board);
        assertThat(quotes).extracting((quote) -> quote.get("backend")).containsExactly("fast", "slow", "broken");
        assertThat(quotes.get(0)).containsEntry("status", "ok").containsEntry("price", priceOf("fast", "lamp"));
        assertThat(quotes.get(1)).containsEntry("status", "missing").containsEntry("price", null);
        assertThat((String) quotes.get(1).get("reason")).contains("500 ms deadline");
        assertThat(board.get("best")).isEqualTo(priceOf("fast", "lamp"));
        // Answered at the deadline, not after the slow backend's minute.
        assertThat(number(board, "elapsedMillis")).isGreaterThanOrEqualTo(500).isLessThan(30_000);
        // The straggler's task ended CANCELLED (it counts itself as it ends) ...
        assertThat(number(get("/api/quotes/stats"), "stragglersCancelled")).isGreaterThan(cancelledBefore);
        // ... and the backend saw its client go away: its own task ended cancelled too.
        await().atMost(Duration.ofSeconds(20)).until(() -> backend("slow", "disconnected") > slowDisconnectsBefore);
        await().atMost(Duration.ofSeconds(20)).until(() -> liveTasksNamed("quote slow", "backend slow").isEmpty());
    }

    @Test
    void marksAFailingBackendFailedAndStillPricesTheOthers() {
        long brokenFailedBefore = backend("broken", "failed");

        List<Map<String, Object>> quotes = quotes(get("/api/quotes?item=chair"));

        assertThat(quotes.get(2)).containsEntry("backend", "broken").containsEntry("status", "failed")
            .containsEntry("reason", "HTTP 503").containsEntry("price", null);
        assertThat(quotes.get(0)).containsEntry("status", "ok").containsEntry("price", priceOf("fast", "chair"));
        assertThat(backend("broken", "failed")).isEqualTo(brokenFailedBefore + 1);
    }

    @Test
    void rejectsADeadlineOutOfRangeNamingTheValue() {
        client().get().uri("/api/quotes?deadlineMs=0").exchange()
            .expectStatus().isBadRequest()
            .expectBody(String.class).value((body) -> assertThat(body).contains("deadlineMs must be between 1 and 10000, was 0"));
    }

    @Test
    void answersNotFoundForABackendThatIsNotConfigured() {
        client().get().uri("/backends/nowhere/price?item=x").exchange()
            .expectStatus().isNotFound()
            .expectBody(String.class).value((body) -> assertThat(body).contains("no backend named 'nowhere'"));
    }

    @Test
    void aBurstSendsEveryQuoteRequestAndCountsHowTheyEnded() {
        long requestsBefore = number(get("/api/quotes/stats"), "requests");

        Map<String, Object> burst = client().post().uri("/api/burst?requests=20").exchange()
            .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();

        // Every board misses the slow backend: all partial, none lost.
        assertThat(burst).containsEntry("requests", 20).containsEntry("partial", 20).containsEntry("complete", 0)
            .containsEntry("failed", 0);
        assertThat(number(get("/api/quotes/stats"), "requests") - requestsBefore).isEqualTo(20);
    }

    @Test
    void rejectsABurstOutOfRangeNamingTheValue() {
        client().post().uri("/api/burst?requests=5000").exchange()
            .expectStatus().isBadRequest()
            .expectBody(String.class).value((body) -> assertThat(body).contains("requests must be between 1 and 1000, was 5000"));
    }

    private List<TaskInfo> liveTasksNamed(String... names) {
        Set<String> wanted = Set.of(names);
        return this.runtime.taskDump(10_000, Set.of(), false).tasks().stream()
            .filter((task) -> wanted.contains(task.name())).toList();
    }

    private static double priceOf(String backend, String item) {
        int cents = Math.floorMod((backend + "/" + item).hashCode(), 9_000);
        return (1_000 + cents) / 100.0;
    }

    private long backend(String name, String counter) {
        List<Map<String, Object>> backends = client().get().uri("/backends").exchange().expectStatus().isOk()
            .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {
            }).returnResult().getResponseBody();
        return backends.stream().filter((backend) -> backend.get("name").equals(name)).findFirst()
            .map((backend) -> number(backend, counter)).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> quotes(Map<String, Object> board) {
        return (List<Map<String, Object>>) board.get("quotes");
    }

    private static long number(Map<String, Object> json, String field) {
        return ((Number) json.get(field)).longValue();
    }

    private Map<String, Object> get(String uri) {
        return client().get().uri(uri).exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).responseTimeout(Duration.ofSeconds(30)).build();
    }
}
