package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelOption;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;

import org.junit.jupiter.api.Test;

/**
 * {@link NettyInterop#acceptAllocator()}: the accept loop of a listening epoll channel goes on
 * after a connection was accepted, up to 16 per read. With Netty 4.2's default allocator it
 * stops after one: its "maybe more data" test compares what the read returned (for an accept,
 * the new file descriptor) with the one byte it attempted, which never match. Under load that
 * left a burst of 1,000 new connections seconds in the kernel's accept queue, one accept per
 * loop round (docs/benchmarks.md has the measurement before and after).
 *
 * <p>The handle is driven as {@code EpollServerSocketChannel}'s accept loop drives it (reset,
 * attempt 1, the accepted descriptor as the bytes read, one message), on a real epoll channel's
 * configuration.
 */
class AcceptAllocatorTest {

    private static final int ACCEPTED_FD = 57;

    @Test
    void theAcceptLoopGoesOnAfterEachConnectionUpToSixteen() {
        assertThat(acceptsBeforeTheLoopStops(NettyInterop.acceptAllocator()))
                .as("connections one read accepts while more are pending").isEqualTo(NettyInterop.ACCEPTS_PER_READ);
    }

    /** Why Echo brings its own allocator. Should Netty change this, this fails, and the allocator can go. */
    @Test
    void nettysDefaultAllocatorStopsTheAcceptLoopAfterOneConnection() {
        assertThat(acceptsBeforeTheLoopStops(new ServerChannelRecvByteBufAllocator()))
                .as("connections one read accepts with Netty's default").isEqualTo(1);
    }

    /** Accepts "connections" while the handle says continue (at most 1,000); how many it took. */
    private static int acceptsBeforeTheLoopStops(RecvByteBufAllocator allocator) {
        Epoll.ensureAvailability(); // loads the native library
        EpollServerSocketChannel channel = new EpollServerSocketChannel();
        try {
            channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, allocator);
            RecvByteBufAllocator.Handle handle = channel.unsafe().recvBufAllocHandle();
            handle.reset(channel.config());
            handle.attemptedBytesRead(1);
            int accepted = 0;
            do {
                handle.lastBytesRead(ACCEPTED_FD);
                handle.incMessagesRead(1);
                accepted++;
            } while (handle.continueReading() && accepted < 1_000);
            return accepted;
        } finally {
            channel.unsafe().closeForcibly();
        }
    }
}
