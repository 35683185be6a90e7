package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reactor and context-propagation are optional dependencies of core: a child JVM without them
 * on the class path still loads and runs core, and one with Reactor but without
 * context-propagation runs the bridge.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OptionalDependenciesTest {

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code main} in a child JVM on this JVM's class path minus entries matching any of {@code without}. */
    private static Result runChild(Path dir, Class<?> main, String... without) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Arrays.stream(without).noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName());
        Path out = dir.resolve("child.out");
        Path err = dir.resolve("child.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void coreLoadsAndRunsWithoutReactorOnTheClassPath(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, CoreWithoutReactorMain.class,
                "reactor-core", "reactive-streams", "context-propagation", "reactor-test");
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("no reactor on the class path").contains("core ran without reactor: sum 55");
    }

    @Test
    void theBridgeRunsWithReactorButWithoutContextPropagation(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, ReactorWithoutPropagationMain.class, "context-propagation");
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("propagates thread locals: false").contains("task saw: reactor context; 1");
    }
}
