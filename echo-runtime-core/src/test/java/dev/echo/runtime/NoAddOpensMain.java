package dev.echo.runtime;

import java.time.Duration;

/**
 * Run by {@link AddOpensTest} in a child JVM: builds a runtime and runs one task. Without
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} the build must fail, naming the flag.
 */
public final class NoAddOpensMain {

    private NoAddOpensMain() {
    }

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(1).name("child")
                .shutdownGrace(Duration.ofMillis(100)).build()) {
            String carrier = runtime.block(() -> Thread.currentThread().toString());
            System.out.println("ran a task on " + carrier);
        }
    }
}
