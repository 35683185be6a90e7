package dev.echo.runtime.api;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.echo.runtime.ChildJvm;
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

    @Test
    void onTheModulePathEchoRunsAndExportsOnlyItsApiAndSpi(@TempDir Path dir) throws Exception {
        ChildJvm.Result result = runChild(dir, true);
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
        ChildJvm.Result result = runChild(dir, false);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("--add-opens java.base/java.lang=dev.echo.runtime");
        assertThat(result.stdout()).doesNotContain("module path OK");
    }

    private static ChildJvm.Result runChild(Path dir, boolean withFlag) throws IOException, InterruptedException {
        // The module path: Echo's classes and its runtime dependencies (Netty, Reactor, Reactive
        // Streams, context propagation); test libraries stay out of the module graph.
        String modulePath = ChildJvm.classPath((entry) -> entry.endsWith("target" + File.separator + "classes")
                || entry.contains(File.separator + "io" + File.separator + "netty" + File.separator)
                || entry.contains("reactor-core") || entry.contains("reactive-streams-1") || entry.contains("context-propagation"));
        String testClasses = ChildJvm.classPath((entry) -> entry.endsWith("test-classes"));
        List<String> arguments = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED,io.netty.common,io.netty.transport.classes.epoll"));
        if (withFlag) {
            arguments.addAll(List.of("--add-opens", "java.base/java.lang=dev.echo.runtime"));
        }
        arguments.addAll(List.of("--module-path", modulePath, "--add-modules", "ALL-MODULE-PATH", "-cp", testClasses,
                ModulePathMain.class.getName()));
        return ChildJvm.run(dir, arguments);
    }
}
