package dev.echo.sample.batch;

import org.jspecify.annotations.Nullable;

/**
 * A bounded hand-off between two stages of a pipeline: many senders, many receivers, and an end
 * that the last sender marks. Two implementations, so that the engines compare like for like:
 * an Echo {@code Channel} and an {@code ArrayBlockingQueue}.
 *
 * @param <T> what flows through it
 */
sealed interface Pipe<T> permits ChannelPipe, QueuePipe {

    /** The stage that receives from this pipe (for the progress display). */
    String stage();

    /** Waits while the pipe is full. */
    void send(T value) throws InterruptedException;

    /** The next value, waiting while the pipe is empty; null once it is closed and drained. */
    @Nullable T receive() throws InterruptedException;

    /** No more sends; receivers drain what is buffered, then see the end. Called once. */
    void close() throws InterruptedException;

    /** Values waiting now. */
    int depth();

    int capacity();
}
