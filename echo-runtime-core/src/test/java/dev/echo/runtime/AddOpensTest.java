package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Without --add-opens java.base/java.lang=ALL-UNNAMED Echo fails loudly, naming the flag. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AddOpensTest {

    private static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static ChildJvm.Result runChild(Path dir, boolean withFlag) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>();
        if (withFlag) {
            arguments.add("--add-opens");
            arguments.add("java.base/java.lang=ALL-UNNAMED");
        }
        arguments.addAll(List.of("-cp", System.getProperty("java.class.path"), NoAddOpensMain.class.getName()));
        return ChildJvm.run(dir, arguments);
    }

    @Test
    void withoutTheFlagBuildingARuntimeFailsNamingTheFlag(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = runChild(dir, false);
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isNotZero();
        assertThat(result.stderr()).contains(FLAG).contains("IllegalStateException");
        assertThat(result.stdout()).doesNotContain("ran a task");
    }

    /** The control: the same child with the flag runs its task, so the failure above is the flag's. */
    @Test
    void withTheFlagTheSameChildRunsATask(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = runChild(dir, true);
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("ran a task on").contains("child-worker-");
    }
}
