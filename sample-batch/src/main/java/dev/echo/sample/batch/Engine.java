package dev.echo.sample.batch;

import dev.echo.runtime.EchoRuntime;

/**
 * What runs a partition's pipeline: the same stages and pool sizes on each, so that their
 * times compare.
 */
public enum Engine {

    /** Echo tasks on the application's runtime, stages connected by Echo channels. */
    ECHO,
    /** A fixed pool of platform threads, one per stage worker, stages connected by ArrayBlockingQueues. */
    PLATFORM,
    /** A virtual thread per stage worker (the JDK's scheduler), stages connected by ArrayBlockingQueues. */
    VIRTUAL;

    <T> Pipe<T> pipe(String stage, int capacity) {
        return this == ECHO ? new ChannelPipe<>(stage, capacity) : new QueuePipe<>(stage, capacity);
    }

    Workers workers(EchoRuntime runtime) {
        return switch (this) {
            case ECHO -> new EchoWorkers(runtime);
            case PLATFORM -> new ThreadWorkers(false);
            case VIRTUAL -> new ThreadWorkers(true);
        };
    }
}
