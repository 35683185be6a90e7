package dev.echo.sample.batch;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.ChannelClosedException;
import org.jspecify.annotations.Nullable;

/** A pipe over a buffered Echo {@link Channel}: a full or empty channel parks the task, not its carrier. */
final class ChannelPipe<T> implements Pipe<T> {

    private final String stage;
    private final Channel<T> channel;

    ChannelPipe(String stage, int capacity) {
        this.stage = stage;
        this.channel = Channel.buffered(capacity);
    }

    @Override
    public String stage() {
        return stage;
    }

    @Override
    public void send(T value) {
        channel.send(value);
    }

    @Override
    public @Nullable T receive() {
        try {
            return channel.receive();
        } catch (ChannelClosedException closed) {
            return null; // closed and drained: once per receiver, at the end
        }
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public int depth() {
        return channel.size();
    }

    @Override
    public int capacity() {
        return channel.capacity();
    }
}
