package dev.echo.bench.http;

import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The fan-out backend: a process of its own answering {@code GET /part/{id}} with a small JSON
 * document after 10 ms, the same for every contender. Plain Reactor Netty (no Spring) on its
 * default loops and native epoll, so that it costs the CPU it shares with the load generator as
 * little as possible. {@code backend PORT}.
 */
final class Backend {

    static final Duration LATENCY = Duration.ofMillis(10);

    private Backend() {
    }

    static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "0");
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .route(routes -> routes.get("/part/{id}", (request, response) -> {
                    int id = Integer.parseInt(request.param("id"));
                    return response.header("Content-Type", "application/json")
                            .sendString(Mono.delay(LATENCY).map(tick -> "{\"id\":" + id + ",\"value\":\"part " + id + "\"}"));
                }))
                .bindNow();
        System.out.println("backend listening on " + server.port());
        server.onDispose().block();
    }
}
