package dev.echo.bench;

import static dev.echo.bench.Contender.ECHO;
import static dev.echo.bench.Contender.NETTY;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcpecho}: 100 connections over loopback, 64-byte messages, each connection a closed
 * loop, 10 s measured (3 s with {@code --quick}) after half a second of warm-up traffic.
 *
 * <p>Two metrics: {@code tcpecho} in round trips per second, {@code tcpecho-p99} the 99th
 * percentile of round-trip latency in µs. The same {@link LoadClient} drives each server: Echo's
 * blocking-style server (a task per connection on Echo's TCP) and a plain Netty server
 * ({@link NettyEchoServer}) on the same epoll transport, each with one thread per CPU
 * ({@link EchoTcpEchoServer} runs on the session's runtime, one processor per CPU).
 */
final class TcpEcho extends Workload {

    static final int CONNECTIONS = 100;
    static final int MESSAGE_BYTES = 64;
    static final int SECONDS = 10;
    static final int QUICK_SECONDS = 3;
    static final long WARMUP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final Metric RATE = Metric.higher("tcpecho", "req/s");
    static final Metric P99 = Metric.lower("tcpecho-p99", "us");

    TcpEcho() {
        super("tcpecho", "100 connections, 64-byte messages, loopback, 10 s: req/s and p99 us, Echo's server beside plain Netty",
                List.of(RATE, P99), List.of(ECHO, NETTY));
    }

    @Override
    List<Sample> measure(Contender contender, Session session, int divisor) throws Exception {
        int seconds = Math.max(1, (session.quick() ? QUICK_SECONDS : SECONDS) / divisor);
        long measureNanos = TimeUnit.SECONDS.toNanos(seconds);
        int threads = Runtime.getRuntime().availableProcessors();
        LoadClient.Result result = switch (contender) {
            case NETTY -> {
                try (NettyEchoServer server = new NettyEchoServer(threads)) {
                    yield LoadClient.run(server.address(), CONNECTIONS, MESSAGE_BYTES, WARMUP_NANOS, measureNanos);
                }
            }
            case ECHO -> {
                try (EchoTcpEchoServer server = new EchoTcpEchoServer(session.echo())) {
                    yield LoadClient.run(server.address(), CONNECTIONS, MESSAGE_BYTES, WARMUP_NANOS, measureNanos);
                }
            }
            default -> throw notMeasured(this, contender);
        };
        return List.of(RATE.sample(contender, result.requestsPerSecond()),
                P99.sample(contender, result.p99Micros()));
    }
}
