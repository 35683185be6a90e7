package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Without --add-opens java.base/java.lang=ALL-UNNAMED Echo fails loudly, naming the flag. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AddOpensTest {

    private static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result runChild(Path dir, boolean withFlag) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> command = new ArrayList<>();
        command.add(java);
        if (withFlag) {
            command.add("--add-opens");
            command.add("java.base/java.lang=ALL-UNNAMED");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NoAddOpensMain.class.getName());
        Path out = dir.resolve(withFlag ? "with.out" : "without.out");
        Path err = dir.resolve(withFlag ? "with.err" : "without.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheFlagBuildingARuntimeFailsNamingTheFlag(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, false);
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isNotZero();
        assertThat(result.stderr()).contains(FLAG).contains("IllegalStateException");
        assertThat(result.stdout()).doesNotContain("ran a task");
    }

    /** The control: the same child with the flag runs its task, so the failure above is the flag's. */
    @Test
    void withTheFlagTheSameChildRunsATask(@TempDir Path dir) throws Exception {
        Result result = runChild(dir, true);
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("ran a task on").contains("child-worker-");
    }
}
