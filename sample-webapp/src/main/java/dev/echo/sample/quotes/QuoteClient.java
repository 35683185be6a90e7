package dev.echo.sample.quotes;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.echo.runtime.EchoRuntime;
import dev.echo.sample.SelfUrl;
import dev.echo.spring.task.EchoTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Calls this application's own endpoints over loopback with the JDK's {@link HttpClient}, in
 * blocking style: called from an Echo task, {@code send} parks the task until the answer (or the
 * task's cancellation, which makes the JDK abort the exchange and close its connection, so the
 * server side sees the client go away). The client's own asynchronous work runs as Echo tasks
 * too, so a burst of requests adds tasks, not threads.
 */
@Component
class QuoteClient implements DisposableBean {

    private final SelfUrl self;

    private final JsonMapper json;

    private final HttpClient http;

    QuoteClient(SelfUrl self, JsonMapper json, EchoRuntime runtime) {
        this.self = self;
        this.json = json;
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(new EchoTaskExecutor(runtime))
            .build();
    }

    /**
     * Asks one backend for its price. A failure is an answer ({@link Quote#failed}); only the
     * caller's cancellation escapes, as {@link InterruptedException} (Echo cancels a task by
     * interrupting its thread, and the JDK client aborts the exchange on it).
     */
    Quote price(QuotesProperties.Backend backend, String item) throws InterruptedException {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = this.http.send(get("/backends/" + backend.name() + "/price?item=" + encode(item)),
                    HttpResponse.BodyHandlers.ofString());
            long millis = millisSince(start);
            if (response.statusCode() != 200) {
                return Quote.failed(backend.name(), millis, "HTTP " + response.statusCode());
            }
            return Quote.ok(backend.name(), this.json.readValue(response.body(), Price.class).price(), millis);
        }
        catch (IOException | RuntimeException failure) {
            return Quote.failed(backend.name(), millisSince(start), failure.toString());
        }
    }

    /** One whole quote board, as a client of {@code /api/quotes} gets it (a burst sends many). */
    QuoteBoard board(String item) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(get("/api/quotes?item=" + encode(item)), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/quotes answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return this.json.readValue(response.body(), QuoteBoard.class);
    }

    private HttpRequest get(String pathAndQuery) {
        return HttpRequest.newBuilder(this.self.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    @Override
    public void destroy() {
        this.http.shutdownNow();
    }
}
