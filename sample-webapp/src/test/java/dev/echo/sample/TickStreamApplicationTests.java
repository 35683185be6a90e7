package dev.echo.sample;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.TaskInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /api/stream}: server-sent events from a bounded channel fed by a producer task. */
@SampleApplicationTest
class TickStreamApplicationTests {

    private static final Pattern TICK = Pattern.compile("^data:\\{\"seq\":(\\d+),\"atMillis\":\\d+,\"pausedMillis\":(\\d+),\"queued\":(\\d+)}$");

    private static final String PRODUCER = "stream producer";

    @LocalServerPort
    private int port;

    @Autowired
    private EchoRuntime runtime;

    @AfterEach
    void noProducerOutlivesItsStream() {
        await().atMost(Duration.ofSeconds(20)).until(() -> producers().isEmpty() && liveStreams() == 0);
    }

    @Test
    void streamsTicksInOrderAsServerSentEvents() {
        Flux<Map<String, Object>> ticks = client().get().uri("/api/stream?intervalMs=10").accept(MediaType.TEXT_EVENT_STREAM)
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
            .returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
            }).getResponseBody();
        StepVerifier.create(ticks.take(3).map((tick) -> tick.get("seq")))
            .expectNext(1, 2, 3)
            .expectComplete()
            .verify(Duration.ofSeconds(30));
    }

    /**
     * A client that stops reading: once the socket buffers between it and the server are full
     * (on loopback Linux lets the server's send buffer grow to a few MiB), the connection takes
     * no more, the bounded channel fills, and the producer waits in {@code send}: the count of
     * ticks sent stops and the task dump says where it waits. When the client reads again, the
     * ticks arrive in order with none lost, and the first one made after the wait says how long
     * the producer was held up. Then the client goes away, and the producer's task ends.
     */
    @Test
    void aSlowClientMakesTheProducerWaitAndTheStreamShowsThePause() throws IOException, InterruptedException {
        Duration stall = Duration.ofSeconds(1);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /api/stream?intervalMs=0&buffer=4 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            ChunkedLines in = new ChunkedLines(socket.getInputStream());
            assertThat(in.statusLine()).isEqualTo("HTTP/1.1 200 OK");

            long[] sent = { -1 };
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = ticksSent();
                boolean stopped = now == sent[0];
                sent[0] = now;
                return stopped && producers().stream()
                    .anyMatch((task) -> task.waitingOn() != null && task.waitingOn().startsWith("send on Channel"));
            });
            Thread.sleep(stall.toMillis());
            assertThat(ticksSent()).as("no tick sent while the client does not read").isEqualTo(sent[0]);

            long expectedSeq = 1;
            long longestPause = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (longestPause < stall.toMillis() && System.nanoTime() < deadline) {
                String line = in.readLine();
                assertThat(line).as("the stream ended early").isNotNull();
                Matcher tick = TICK.matcher(line);
                if (tick.matches()) {
                    assertThat(Long.parseLong(tick.group(1))).as("ticks in order, none lost").isEqualTo(expectedSeq++);
                    assertThat(Integer.parseInt(tick.group(3))).as("queued within the channel's capacity").isBetween(0, 4);
                    longestPause = Math.max(longestPause, Long.parseLong(tick.group(2)));
                }
            }
            assertThat(longestPause).as("the producer's longest pause shown in the stream, ms").isGreaterThanOrEqualTo(stall.toMillis());
            assertThat(producers()).as("the producer runs while the client is there").hasSize(1);
        }
        // The client has gone: @AfterEach waits for the producer's task to end.
    }

    @Test
    void aClientThatDisconnectsMidStreamEndsTheProducersTask() {
        long endedBefore = streamStats().get("ended").longValue();
        Flux<Map<String, Object>> ticks = client().get().uri("/api/stream?intervalMs=20").accept(MediaType.TEXT_EVENT_STREAM)
            .exchange().expectStatus().isOk()
            .returnResult(new ParameterizedTypeReference<Map<String, Object>>() {
            }).getResponseBody();
        StepVerifier.create(ticks)
            .expectNextCount(3)
            .then(() -> assertThat(producers()).hasSize(1))
            .thenCancel()
            .verify(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> producers().isEmpty());
        assertThat(streamStats().get("ended").longValue()).isEqualTo(endedBefore + 1);
    }

    @Test
    void rejectsABufferOutOfRangeNamingTheValue() {
        client().get().uri("/api/stream?buffer=0").exchange()
            .expectStatus().isBadRequest()
            .expectBody(String.class).value((body) -> assertThat(body).contains("buffer must be between 1 and 1024, was 0"));
    }

    /** The lines of a chunked HTTP/1.1 response body, read straight off the socket. */
    private static final class ChunkedLines {

        private final DataInputStream in;

        private final StringBuilder pending = new StringBuilder();

        private boolean ended;

        ChunkedLines(InputStream in) {
            this.in = new DataInputStream(new BufferedInputStream(in, 8192));
        }

        /** Reads the status line and the headers; returns the status line. */
        String statusLine() throws IOException {
            String status = rawLine();
            String header;
            do {
                header = rawLine();
                assertThat(header).as("headers end").isNotNull();
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:")) {
                    assertThat(header).containsIgnoringCase("chunked");
                }
            }
            while (!header.isEmpty());
            return status;
        }

        /** The next line of the body, or null at its end. */
        String readLine() throws IOException {
            int newline;
            while ((newline = this.pending.indexOf("\n")) < 0) {
                if (this.ended) {
                    return null;
                }
                int size = Integer.parseInt(rawLine().trim(), 16);
                if (size == 0) {
                    this.ended = true;
                    continue;
                }
                byte[] chunk = new byte[size];
                this.in.readFully(chunk);
                this.pending.append(new String(chunk, StandardCharsets.UTF_8));
                rawLine(); // the CRLF after the chunk
            }
            String line = this.pending.substring(0, newline);
            this.pending.delete(0, newline + 1);
            return line;
        }

        private String rawLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = this.in.read()) != '\n') {
                if (b < 0) {
                    return line.isEmpty() ? null : line.toString();
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }

    private java.util.List<TaskInfo> producers() {
        return this.runtime.taskDump(10_000, Set.of(), false).tasks().stream().filter((task) -> PRODUCER.equals(task.name())).toList();
    }

    private long ticksSent() {
        return streamStats().get("ticks").longValue();
    }

    private long liveStreams() {
        return streamStats().get("live").longValue();
    }

    private Map<String, Number> streamStats() {
        return client().get().uri("/api/stream/stats").exchange().expectStatus().isOk()
            .expectBody(new ParameterizedTypeReference<Map<String, Number>>() {
            }).returnResult().getResponseBody();
    }

    private WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).responseTimeout(Duration.ofSeconds(30)).build();
    }
}
