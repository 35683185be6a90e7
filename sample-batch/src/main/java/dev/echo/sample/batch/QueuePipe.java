package dev.echo.sample.batch;

import java.util.concurrent.ArrayBlockingQueue;

import org.jspecify.annotations.Nullable;

/**
 * A pipe over an {@link ArrayBlockingQueue}, for the thread engines. The end is a marker value:
 * a receiver that takes it puts it back for the next receiver, so one marker ends them all.
 */
final class QueuePipe<T> implements Pipe<T> {

    private static final Object END = new Object();

    private final String stage;
    /** Values, then END once closed. */
    private final ArrayBlockingQueue<Object> queue;

    QueuePipe(String stage, int capacity) {
        this.stage = stage;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public String stage() {
        return stage;
    }

    @Override
    public void send(T value) throws InterruptedException {
        queue.put(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public @Nullable T receive() throws InterruptedException {
        Object value = queue.take();
        if (value == END) {
            queue.put(END); // just taken, so there is room; the next receiver ends too
            return null;
        }
        return (T) value;
    }

    @Override
    public void close() throws InterruptedException {
        queue.put(END); // waits, as a send would, while receivers drain a full queue
    }

    @Override
    public int depth() {
        return queue.size();
    }

    @Override
    public int capacity() {
        return queue.remainingCapacity() + queue.size();
    }
}
