package dev.echo.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of {@code echo-benchmarks-http.jar}: a contender's server or the fan-out backend, on a
 * free loopback port, pinned by the {@link CpuSplit}'s prefix, its output in a log file of the
 * temporary directory. Closing it stops the process (SIGTERM, then SIGKILL after 15 s).
 */
final class ServerProcess implements AutoCloseable {

    /** The heap of every server JVM, the same for all contenders. */
    static final List<String> HEAP = List.of("-Xms512m", "-Xmx512m");

    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;
    private final String name;

    private ServerProcess(Process process, int port, Path log, String name) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.name = name;
    }

    /**
     * Starts {@code java [options] -jar jar contender args...} with {@code --server.port} (or, for
     * the backend, the port as first argument) set to a free port.
     */
    static ServerProcess start(Path jar, String contender, List<String> cpuPrefix, List<String> jvmOptions,
                               List<String> args) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("echo-bench-http-" + contender + "-", ".log");
        List<String> command = new ArrayList<>(cpuPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Harness.CHILD_JVM_OPTIONS);
        command.addAll(HEAP);
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), contender));
        command.add(contender.equals("backend") ? String.valueOf(port) : "--server.port=" + port);
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(process, port, log, contender);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Polls {@code path} until it answers 200; fails with the log's path if the process dies or 90 s pass. */
    void awaitReady(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before answering; its output: " + log + "\n" + tail());
            }
            try {
                if (get(path).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // starting up
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not answer " + path + " within 90 s; its output: " + log);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return PROBE.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The body of {@code path}, which must answer 200. */
    String body(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + " answered " + path + " with status " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body();
    }

    Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
