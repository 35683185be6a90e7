package dev.echo.runtime.examples;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An Echo TCP echo server and its clients, in plain blocking style: one task accepts, one task
 * per connection echoes until the client half-closes; each client is a task that writes, shuts
 * its output down and reads the echo back to end of stream. Every wait parks only its task; the
 * Reactor (epoll on Linux) wakes them.
 */
public final class TcpEchoExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("tcp").build()) {
            String summary = runtime.block(() -> {
                TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                Task<Integer> server = serve(listener);
                System.out.println("tcp: echo server on " + listener.localAddress() + " (transport "
                        + Echo.runtime().transport().displayName() + ")");

                List<Task<String>> clients = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    String message = "hello " + i + " from a task";
                    clients.add(Echo.spawn(() -> new String(exchange(listener.localAddress(), message.getBytes(StandardCharsets.UTF_8)),
                            StandardCharsets.UTF_8)));
                }
                for (Task<String> client : clients) {
                    System.out.println("tcp: client got back \"" + client.join() + "\"");
                }
                listener.close();
                return "served " + server.join() + " connections";
            });
            System.out.println("tcp: " + summary + "; stats: " + runtime.stats().transport());
        }
    }

    /**
     * Starts the accept loop as a task: one echo task per connection. The task ends (with the
     * number of connections it accepted) when the listener is closed.
     */
    public static Task<Integer> serve(TcpListener listener) {
        return Echo.spawn("echo-accept", () -> {
            int accepted = 0;
            while (true) {
                TcpConnection connection;
                try {
                    connection = listener.accept();
                } catch (SocketException closed) {
                    return accepted;
                }
                accepted++;
                Echo.spawn(() -> echo(connection));
            }
        });
    }

    /**
     * Echoes until the peer half-closes (or resets: a client that hangs up mid-message ends
     * its conversation, not the server), then closes.
     */
    public static Void echo(TcpConnection connection) {
        try (connection) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = connection.read(buffer)) > 0) {
                connection.write(buffer, 0, n);
            }
        } catch (IOException peerGone) {
            // reset or broken pipe: this conversation is over
        }
        return null;
    }

    /** A client: sends {@code message}, half-closes, and returns everything echoed back. */
    public static byte[] exchange(InetSocketAddress server, byte[] message) throws IOException {
        try (TcpConnection connection = TcpConnection.connect(server)) {
            connection.write(message);
            connection.shutdownOutput();
            java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream(message.length);
            byte[] buffer = new byte[8192];
            int n;
            while ((n = connection.read(buffer)) >= 0) {
                echoed.write(buffer, 0, n);
            }
            return echoed.toByteArray();
        }
    }
}
