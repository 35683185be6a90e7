package dev.echo.runtime.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import dev.echo.runtime.ChildJvm;
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

    /** Runs {@code main} in a child JVM on this JVM's class path minus entries matching any of {@code without}. */
    private static ChildJvm.Result runChild(Path dir, Class<?> main, String... without) throws Exception {
        String classPath = ChildJvm.classPath((entry) -> Arrays.stream(without).noneMatch(entry::contains));
        return ChildJvm.run(dir, List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
    }

    @Test
    void coreLoadsAndRunsWithoutReactorOnTheClassPath(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = runChild(dir, CoreWithoutReactorMain.class,
                "reactor-core", "reactive-streams", "context-propagation", "reactor-test");
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("no reactor on the class path").contains("core ran without reactor: sum 55");
    }

    @Test
    void theBridgeRunsWithReactorButWithoutContextPropagation(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = runChild(dir, ReactorWithoutPropagationMain.class, "context-propagation");
        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isZero();
        assertThat(result.stdout()).contains("propagates thread locals: false").contains("task saw: reactor context; 1");
    }
}
