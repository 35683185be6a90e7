package dev.echo.runtime.api;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Echo as a named module: a JVM with {@code dev.echo.runtime} and its dependencies on the module
 * path (and only {@link ModulePathMain} on the class path) runs tasks, a scope, a channel, a
 * timer and TCP on the native transport, sees the API and SPI exported and the internals
 * closed; without {@code --add-opens java.base/java.lang=dev.echo.runtime} it fails naming that
 * module-path form of the flag. (Every other test runs Echo on the class path, as applications
 * do today, with {@code =ALL-UNNAMED}.)
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModulePathTest {

    record Result(int exitCode, String stdout, String stderr) {
    }

    @Test
    void onTheModulePathEchoRunsAndExportsOnlyItsApiAndSpi(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, true);
        assertThat(result.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", result.stdout(), result.stderr()).isZero();
        assertThat(result.stdout())
            .contains("ok: Echo is the named module dev.echo.runtime")
            .contains("ok: the internals are not reachable from outside the module")
            .contains("ok: tasks, a scope, a channel, a timer and TCP answered: hello from a module")
            .contains("ok: transport epoll")
            .contains("module path OK");
    }

    @Test
    void onTheModulePathWithoutTheFlagTheFailureNamesTheModulesForm(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, false);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("--add-opens java.base/java.lang=dev.echo.runtime");
        assertThat(result.stdout()).doesNotContain("module path OK");
    }

    private static Result runChild(Path dir, boolean withFlag) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> classPath = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        // The module path: Echo's classes and its runtime dependencies (Netty, Reactor, Reactive
        // Streams, context propagation); test libraries stay out of the module graph.
        String modulePath = classPath.stream()
            .filter((entry) -> entry.endsWith("target" + File.separator + "classes") || entry.contains(File.separator + "io" + File.separator + "netty" + File.separator)
                    || entry.contains("reactor-core") || entry.contains("reactive-streams-1") || entry.contains("context-propagation"))
            .collect(Collectors.joining(File.pathSeparator));
        String testClasses = classPath.stream().filter((entry) -> entry.endsWith("test-classes")).findFirst()
            .orElseThrow(() -> new AssertionError("no test-classes on " + classPath));
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED,io.netty.common,io.netty.transport.classes.epoll"));
        if (withFlag) {
            command.addAll(List.of("--add-opens", "java.base/java.lang=dev.echo.runtime"));
        }
        command.addAll(List.of("--module-path", modulePath, "--add-modules", "ALL-MODULE-PATH", "-cp", testClasses,
                ModulePathMain.class.getName()));
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 90 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
