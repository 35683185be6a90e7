package dev.echo.runtime;

import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a runtime's statistics. Counters only grow; the rest is a moment's
 * view. Taking one costs a pass over the live tasks (for the by-status counts) and over the
 * processors; nothing on the scheduling hot path takes a lock for it.
 *
 * @param name           the runtime's name
 * @param transport      the Reactor's Netty transport: "epoll", "kqueue", "io_uring" or "nio"
 * @param tasksSpawned   tasks ever spawned
 * @param tasksCompleted tasks that returned a value
 * @param tasksFailed    tasks that threw
 * @param tasksCancelled tasks that ended cancelled
 * @param liveByStatus   live tasks by status (READY, RUNNING, WAITING)
 * @param globalQueueLength tasks waiting in the global queue
 * @param timersPending  timers scheduled and not yet fired
 * @param workers        carrier threads (Ms) alive
 * @param handOffs       processors handed off by the monitor because one task held them
 * @param processors     one entry per processor, by id
 * @param channelMessagesSent     values tasks of this runtime put into channels (buffered or handed over)
 * @param channelMessagesReceived values channels gave to receivers in tasks of this runtime
 * @param reactorPendingTasks     tasks queued on the Reactor's Netty event loop
 *                                ({@link NettyInterop#eventLoop(EchoRuntime)}) and not begun yet:
 *                                what its channels, pipelines and callers of {@code execute}
 *                                queued (not timers, not Netty's scheduled tasks); 0 once closed.
 *                                Reactor Netty's {@code reactor.netty.eventloop.pending.tasks}
 *                                cannot see this loop (it reads only Netty's
 *                                {@code SingleThreadEventExecutor}s)
 */
public record RuntimeStats(String name, String transport, long tasksSpawned, long tasksCompleted,
                           long tasksFailed, long tasksCancelled, Map<TaskStatus, Long> liveByStatus,
                           int globalQueueLength, int timersPending, int workers, long handOffs,
                           List<ProcessorStats> processors, long channelMessagesSent,
                           long channelMessagesReceived, long reactorPendingTasks) {

    public RuntimeStats {
        liveByStatus = Map.copyOf(liveByStatus);
        processors = List.copyOf(processors);
    }

    /**
     * Task resumptions run (the original design's TaskWoken events): runs of a task after its
     * first, that is wake-ups after a park plus yields. Derived from counters the scheduler keeps
     * anyway (the processors' task runs minus the tasks started), so counting it costs the hot
     * path nothing.
     */
    public long tasksWoken() {
        long runs = 0;
        for (ProcessorStats processor : processors) {
            runs += processor.tasksRun();
        }
        long started = tasksSpawned - liveByStatus.getOrDefault(TaskStatus.READY, 0L);
        return Math.max(0, runs - started);
    }

    /** Live tasks (spawned and not finished). */
    public long tasksLive() {
        return liveByStatus.values().stream().mapToLong(Long::longValue).sum();
    }
}
