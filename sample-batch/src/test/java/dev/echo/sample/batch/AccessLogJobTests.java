package dev.echo.sample.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole application, as {@code java -jar} runs it (the real job, H2 job repository, Echo
 * runtime, partitions and pipelines), on small inputs: each run takes a second or two.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogJobTests {

    @TempDir
    Path dir;

    /** The generated input's report, the same whatever runs the partitions and however many there are. */
    @ParameterizedTest(name = "engine {0}, {1} partitions")
    @CsvSource({ "echo, 4", "echo, 1", "platform, 3", "virtual, 4" })
    void generatedInputGivesTheExpectedReport(String engine, int partitions) throws IOException {
        Path report = dir.resolve("report.txt");

        int exitCode = run("--generate=5000", "--access-log.malformed-rate=0.01", "--engine=" + engine,
                "--partitions=" + partitions, "--output=" + report);

        assertThat(exitCode).isZero();
        String expected = new ClassPathResource("expected-report-5000.txt").getContentAsString(StandardCharsets.UTF_8);
        assertThat(Files.readString(report)).isEqualTo(expected);
        assertThat(report.resolveSibling("report.txt.partial")).doesNotExist();
    }

    /** A hand-made log whose figures are worked out by hand below. */
    @Test
    void malformedLinesAreReportedByLineNumberCountedAndSkipped(CapturedOutput output) throws IOException {
        Path log = dir.resolve("access.log");
        Files.write(log, List.of(
                "10.0.0.1 - - [01/Mar/2025:10:00:00 +0000] \"GET /api/products/1 HTTP/1.1\" 200 100",
                "10.0.0.2 - - [01/Mar/2025:10:00:01 +0000] \"GET /api/products/2 HTTP/1.1\" 2OO 100",
                "10.0.0.3 - bob [01/Mar/2025:10:00:02 +0000] \"GET /api/products/3?x=1 HTTP/1.1\" 404 300",
                "",
                "client.example - - [01/Mar/2025:10:00:03 +0000] \"POST /login HTTP/1.0\" 302 -",
                "10.0.0.4 - - [01/Mar/2025:10:00:04 +0000] \"GET /api/products/4 HTTP/1.1\" 200 200",
                "10.0.0.5 - - [31/Feb/2025:10:00:05 +0000] \"GET / HTTP/1.1\" 200 5"));
        Path report = dir.resolve("out/report.txt");

        int exitCode = run("--input=" + log, "--output=" + report, "--partitions=2");

        assertThat(exitCode).isZero();
        // GET /api/products/{id}: sizes 100, 300, 200 -> p50 200 (nearest rank 2 of 3), p99 300;
        // "-" counts as 0 bytes. 10.0.x.x is network 10*256+0 = 2560, which schema.sql maps to
        // US (2560*40503 mod 20 = 0, the first country); a host name has no network.
        String text = Files.readString(report);
        assertThat(text).startsWith("""
                Access-log report
                input: access.log
                lines: 7  records: 4  malformed: 3

                endpoint                               requests       2xx       3xx       4xx       5xx  p50 bytes  p99 bytes
                GET /api/products/{id}                        3         2         0         1         0        200        300
                POST /login                                   1         0         1         0         0          0          0
                """);
        assertThat(text).containsPattern("\nUS +3\n\\(not IPv4\\) +1\n");
        assertThat(text).endsWith("""
                malformed lines (first 3 of 3)
                line 2: status "2OO" is not a number: 10.0.0.2 - - [01/Mar/2025:10:00:01 +0000] "GET /api/products/2 HTTP/1.1" 2OO 100
                line 4: empty line
                line 7: bad timestamp [31/Feb/2025:10:00:05 +0000]
                """);
        assertThat(output).contains("Skipped line 2: status \"2OO\" is not a number");
    }

    @Test
    void missingInputFailsAtStartNamingThePath(CapturedOutput output) {
        Path missing = dir.resolve("no-such.log");

        assertThatThrownBy(() -> run("--input=" + missing, "--output=" + dir.resolve("report.txt")))
                .hasStackTraceContaining("input file " + missing + " does not exist");
        assertThat(output).contains("APPLICATION FAILED TO START").contains("input file " + missing + " does not exist");
        assertThat(dir.resolve("report.txt")).doesNotExist();
    }

    @Test
    void inputThatIsADirectoryFailsAtStart(CapturedOutput output) {
        assertThatThrownBy(() -> run("--input=" + dir, "--output=" + dir.resolve("report.txt")))
                .hasStackTraceContaining("input " + dir + " is not a regular file");
    }

    /** Spring Batch's exit-code mapping: a FAILED job exits with BatchStatus.FAILED's ordinal, 5. */
    @Test
    void mostlyMalformedInputFailsTheJobWithANonZeroExitCode(CapturedOutput output) throws IOException {
        Path log = dir.resolve("not-an-access.log");
        Files.write(log, List.of("this is", "not an access log",
                "10.0.0.1 - - [01/Mar/2025:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1"));
        Path report = dir.resolve("report.txt");

        int exitCode = run("--input=" + log, "--output=" + report);

        assertThat(exitCode).isEqualTo(5);
        assertThat(report).doesNotExist();
        assertThat(output).contains("accessLogJob FAILED")
                .contains("2 of the 3 lines of " + log + " are malformed, more than the 50% accepted");
    }

    /**
     * What Ctrl-C does (Boot's shutdown hook closes the context): the running partitions stop,
     * the job ends FAILED, and no report appears.
     */
    @Test
    void closingTheContextMidRunStopsTheJobWithoutAReport(CapturedOutput output) throws Exception {
        Path report = dir.resolve("report.txt");
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        SpringApplication application = new SpringApplicationBuilder(AccessLogBatchApplication.class)
                .registerShutdownHook(false)
                .listeners((ApplicationStartedEvent started) -> context.set(started.getApplicationContext()))
                .build();
        // One record per batch and one enrich worker: slow enough to be caught mid-run.
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> application.run(args("--generate=200000",
                "--access-log.batch-size=1", "--access-log.enrich-workers=1", "--output=" + report)));

        PipelineMonitor monitor = null;
        while (monitor == null || monitor.done() == 0) {
            assertThat(job).isNotDone();
            Thread.sleep(20);
            if (monitor == null && context.get() != null) {
                monitor = context.get().getBean(PipelineMonitor.class);
            }
        }
        context.get().close();
        job.get(60, TimeUnit.SECONDS);

        assertThat(monitor.done()).isLessThan(200_000);
        assertThat(output).contains("Shutting down: interrupting the running job").contains("accessLogJob FAILED");
        assertThat(report).doesNotExist();
        assertThat(report.resolveSibling("report.txt.partial")).doesNotExist();
    }

    private static int run(String... args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(AccessLogBatchApplication.class)
                .registerShutdownHook(false)
                .run(args(args));
        return SpringApplication.exit(context);
    }

    private static String[] args(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--access-log.progress=false");
        return all.toArray(String[]::new);
    }
}
