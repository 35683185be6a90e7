package dev.echo.bench;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.net.TcpConnection;
import dev.echo.runtime.net.TcpListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * The Echo echo server of tcpecho, written as a user would: one task accepts, one task per
 * connection reads into a byte array and writes what it read back, in blocking style. It runs
 * on the session's runtime (one processor per CPU, the transport Echo picks: epoll here, the
 * same as {@link NettyEchoServer}).
 */
final class EchoTcpEchoServer implements AutoCloseable {

    private final TcpListener listener;
    private final Task<Void> acceptor;

    EchoTcpEchoServer(EchoRuntime runtime) throws IOException {
        listener = TcpListener.bind(runtime, new InetSocketAddress("127.0.0.1", 0));
        acceptor = runtime.spawn(this::acceptLoop);
    }

    InetSocketAddress address() {
        return listener.localAddress();
    }

    private Void acceptLoop() throws IOException {
        while (true) {
            TcpConnection connection;
            try {
                connection = listener.accept();
            } catch (SocketException closed) {
                return null;
            }
            Echo.spawn(() -> echo(connection));
        }
    }

    private static Void echo(TcpConnection connection) {
        try (connection) {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = connection.read(buffer)) > 0) {
                connection.write(buffer, 0, n);
            }
        } catch (IOException peerGone) {
            // the load client closes its connections at the end of a run: a reset ends this one
        }
        return null;
    }

    /** Stops accepting; the connection tasks end as the load client closes its side. */
    @Override
    public void close() {
        listener.close();
        acceptor.join();
    }
}
