package dev.echo.spring.web;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;

/** The read re-armed after each written response (see {@link KeepAliveReadResumer} for the Reactor Netty path it covers). */
class KeepAliveReadResumerTests {

    @Test
    void installsOnceJustBeforeReactorNettysTrafficHandler() {
        EmbeddedChannel channel = channelWithTrafficHandler(new AtomicInteger());
        KeepAliveReadResumer.install(channel.pipeline());
        KeepAliveReadResumer.install(channel.pipeline());
        assertThat(channel.pipeline().names()).containsSubsequence("reads", KeepAliveReadResumer.NAME, NettyPipeline.HttpTrafficHandler)
            .containsOnlyOnce(KeepAliveReadResumer.NAME);
        channel.finishAndReleaseAll();
    }

    @Test
    void leavesAPipelineWithoutHttpAlone() {
        EmbeddedChannel channel = new EmbeddedChannel();
        KeepAliveReadResumer.install(channel.pipeline());
        assertThat(channel.pipeline().get(KeepAliveReadResumer.NAME)).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void asksForTheNextReadOnceAResponsesLastContentIsWrittenAndOnlyThen() {
        AtomicInteger reads = new AtomicInteger();
        EmbeddedChannel channel = channelWithTrafficHandler(reads);
        channel.config().setAutoRead(false);
        KeepAliveReadResumer.install(channel.pipeline());
        int before = reads.get();
        channel.writeOutbound(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[] { 1, 2, 3 })));
        channel.runPendingTasks();
        assertThat(reads.get()).as("reads after a body chunk").isEqualTo(before);
        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        assertThat(reads.get()).as("reads after the last content").isEqualTo(before + 1);
        channel.finishAndReleaseAll();
    }

    @Test
    void doesNotReadForAChannelThatReadsByItself() {
        AtomicInteger reads = new AtomicInteger();
        EmbeddedChannel channel = channelWithTrafficHandler(reads);
        KeepAliveReadResumer.install(channel.pipeline());
        int before = reads.get();
        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        assertThat(reads.get()).isEqualTo(before);
        channel.finishAndReleaseAll();
    }

    /** A pipeline shaped as Reactor Netty's: a read counter near the head, then the traffic handler's place. */
    private static EmbeddedChannel channelWithTrafficHandler(AtomicInteger reads) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast("reads", new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        });
        channel.pipeline().addLast(NettyPipeline.HttpTrafficHandler, new ChannelDuplexHandler());
        return channel;
    }
}
