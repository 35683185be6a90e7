package dev.echo.sample.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged batch jar, started as the README starts it (failsafe, after Boot's repackage):
 * plain {@code java -jar} runs the job to a report and exits 0; the same jar on a JVM without the
 * manifest's flags (started without {@code -jar}) stops with Boot's failure report naming the flag.
 */
class BatchJarIT {

    private static final String JAR_PROPERTY = "sample.jar";

    private static final Path JAR = Path.of(System.getProperty(JAR_PROPERTY, "target/sample-batch.jar"));

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @BeforeAll
    static void runByFailsafeOnThePackagedJar() {
        assumeTrue(System.getProperty(JAR_PROPERTY) != null, "BatchJarIT runs in failsafe's integration-test phase, on the packaged jar");
    }

    @Test
    void theManifestCarriesTheFlagsEchoNeeds() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Add-Opens")).isEqualTo("java.base/java.lang");
            assertThat(manifest.getMainAttributes().getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
        }
    }

    @Test
    void withPlainJavaJarTheJobWritesItsReportAndExitsZero(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.txt");
        Process job = new ProcessBuilder(JAVA.toString(), "-jar", JAR.toString(), "--generate=20000",
                "--output=" + report).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(job.getInputStream().readAllBytes());
        assertThat(job.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).as(out).isZero();
        assertThat(report).exists();
        assertThat(Files.readString(report)).contains("20000");
        assertThat(dir.resolve("report.txt.partial")).doesNotExist();
    }

    @Test
    void withoutTheFlagTheSameJarStopsWithBootsFailureReportNamingIt(@TempDir Path dir) throws Exception {
        // Not "-jar": the JVM reads Add-Opens only from the main jar of java -jar.
        Process job = new ProcessBuilder(List.of(JAVA.toString(), "-cp", JAR.toString(),
                "org.springframework.boot.loader.launch.JarLauncher", "--generate=1000", "--output=" + dir.resolve("r.txt")))
            .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(job.getInputStream().readAllBytes());
        assertThat(job.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).as(out).isNotZero();
        assertThat(out).contains("APPLICATION FAILED TO START", "Echo Runtime could not start",
                "--add-opens java.base/java.lang=ALL-UNNAMED");
        assertThat(dir.resolve("r.txt")).doesNotExist();
    }
}
