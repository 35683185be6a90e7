package dev.echo.runtime.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskScope;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;

/**
 * Started by {@link ModulePathTest} in a JVM where Echo is the named module
 * {@code dev.echo.runtime} on the module path and this class is on the class path: uses tasks,
 * a scope, a channel, a timer and TCP over loopback, then checks the module exports the API but
 * not its internals. Prints one line per check; exits non-zero on the first failure.
 */
public final class ModulePathMain {

    public static void main(String[] args) throws Exception {
        Module echo = EchoRuntime.class.getModule();
        check(echo.isNamed() && echo.getName().equals("dev.echo.runtime"), "Echo is the named module dev.echo.runtime: " + echo);
        check(echo.isExported("dev.echo.runtime.spi") && !echo.isExported("dev.echo.runtime.internal"),
                "the SPI is exported, the internals are not");
        try {
            Class.forName("dev.echo.runtime.internal.RuntimeAccess").getMethod("get").invoke(null);
            check(false, "the internals are not reachable from outside the module");
        } catch (IllegalAccessException expected) {
            System.out.println("ok: the internals are not reachable from outside the module (" + expected.getMessage() + ")");
        }
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("modular").build()) {
            String answer = runtime.block(() -> {
                Channel<String> words = Channel.buffered(4);
                try (TaskScope<Object, Void> scope = TaskScope.collectAll()) {
                    scope.fork(() -> {
                        words.send("hello");
                        return "sent";
                    });
                    scope.fork(() -> {
                        Echo.sleep(Duration.ofMillis(5));
                        return "slept";
                    });
                    scope.join();
                }
                return words.receive() + " " + echoOverTcp("from a module");
            });
            check(answer.equals("hello from a module"), "tasks, a scope, a channel, a timer and TCP answered: " + answer);
            System.out.println("ok: transport " + runtime.transport().displayName());
        }
        System.out.println("module path OK");
    }

    private static String echoOverTcp(String message) throws IOException {
        TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
        Task<Void> server = Echo.spawn(() -> {
            try (TcpConnection connection = listener.accept()) {
                byte[] buffer = new byte[256];
                int n = connection.read(buffer);
                connection.write(buffer, 0, n);
            }
            return null;
        });
        try (TcpConnection client = TcpConnection.connect(listener.localAddress())) {
            client.write(message.getBytes(StandardCharsets.UTF_8));
            byte[] buffer = new byte[256];
            int n = client.read(buffer);
            server.join();
            listener.close();
            return new String(buffer, 0, n, StandardCharsets.UTF_8);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            System.out.println("FAILED: " + what);
            System.exit(1);
        }
        System.out.println("ok: " + what);
    }
}
