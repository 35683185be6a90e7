package dev.echo.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Transport;

import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers shared by the net tests: runtimes on the real epoll transport, loopback, fd counts. */
final class NetTests {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private NetTests() {
    }

    /** A runtime on epoll (asserted through its statistics) with a unique name. */
    static EchoRuntime epollRuntime(int processors, String label) {
        EchoRuntime runtime = EchoRuntime.builder().processors(processors).transport(Transport.EPOLL)
                .name("n" + SEQUENCE.incrementAndGet() + "_" + label + "x")
                .shutdownGrace(Duration.ofSeconds(1)).build();
        assertThat(runtime.stats().transport()).isEqualTo("epoll");
        return runtime;
    }

    /** 127.0.0.1, any free port. */
    static InetSocketAddress anyLoopbackPort() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /** Open file descriptors of this JVM. */
    static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** A deterministic payload of {@code size} bytes. */
    static byte[] payload(long seed, int size) {
        byte[] data = new byte[size];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }
}
