package dev.echo.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged jar, started as the README starts it (failsafe, after Boot's repackage): plain
 * {@code java -jar} serves on epoll and stops gracefully; the same jar on a JVM without the
 * manifest's flags (started without {@code -jar}) stops with Boot's failure report naming the flag.
 */
class SampleJarIT {

    private static final String JAR_PROPERTY = "sample.jar";

    private static final Path JAR = Path.of(System.getProperty(JAR_PROPERTY, "target/sample-webapp.jar"));

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private static final Pattern PORT = Pattern.compile("Netty started on port (\\d+)");

    /** Failsafe sets sample.jar after the package phase; a surefire run picked by a -Dtest pattern has no jar to test. */
    @BeforeAll
    static void runByFailsafeOnThePackagedJar() {
        assumeTrue(System.getProperty(JAR_PROPERTY) != null, "SampleJarIT runs in failsafe's integration-test phase, on the packaged jar");
    }

    @Test
    void theManifestCarriesTheFlagsEchoNeeds() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Add-Opens")).isEqualTo("java.base/java.lang");
            assertThat(manifest.getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
            assertThat(manifest.getMainAttributes().getValue("Start-Class")).isEqualTo(SampleWebApplication.class.getName());
        }
    }

    @Test
    void startsWithPlainJavaJarServesOnEpollAndStopsGracefully() throws Exception {
        Path log = Files.createTempFile(Path.of("target"), "sample-jar-", ".log");
        Process app = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "--server.port=0")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> PORT.matcher(Files.readString(log)).find() || !app.isAlive());
            Matcher port = PORT.matcher(Files.readString(log));
            assertThat(port.find()).as(Files.readString(log)).isTrue();
            String base = "http://127.0.0.1:" + port.group(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("Ctrl-C stops it gracefully."));
            assertThat(Files.readString(log)).contains(base + "/ ", base + "/api/quotes?item=book", base + "/actuator/echo");

            HttpClient http = HttpClient.newHttpClient();
            assertThat(get(http, base + "/actuator/health")).contains("\"status\":\"UP\"");
            assertThat(get(http, base + "/actuator/echo")).contains("\"transport\":\"epoll\"");
            assertThat(get(http, base + "/api/items/7")).contains("\"name\":\"item 7\"");

            app.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM's shutdown hook closes the context
            assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("Commencing graceful shutdown", "Graceful shutdown complete");
        }
        finally {
            app.destroyForcibly();
        }
    }

    @Test
    void withoutTheFlagTheSameJarStopsWithBootsFailureReportNamingIt() throws Exception {
        // Not "-jar": the JVM reads Add-Opens only from the main jar of java -jar.
        Process app = new ProcessBuilder(List.of(JAVA.toString(), "-cp", JAR.toString(),
                "org.springframework.boot.loader.launch.JarLauncher", "--server.port=0"))
            .redirectErrorStream(true).start();
        try {
            String out = new String(app.getInputStream().readAllBytes());
            assertThat(app.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(app.exitValue()).as(out).isNotZero();
            assertThat(out).contains("APPLICATION FAILED TO START", "Echo Runtime could not start",
                    "--add-opens java.base/java.lang=ALL-UNNAMED");
        }
        finally {
            app.destroyForcibly();
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " " + response.body()).isEqualTo(200);
        return response.body();
    }
}
