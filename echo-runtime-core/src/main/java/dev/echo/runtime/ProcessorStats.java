package dev.echo.runtime;

/**
 * One processor (P) at the moment of a {@link RuntimeStats} snapshot.
 *
 * @param id            the processor's index, 0-based
 * @param state         "running", "spinning" (looking for work to steal) or "idle"
 * @param queueLength   tasks in its local run queue, run-next slot included
 * @param tasksRun      task runs (a task resumed five times counts five)
 * @param stealsIn      tasks it stole from other processors
 * @param stealsOut     tasks other processors stole from it
 * @param globalTakes   times it took work from the global queue
 * @param parks         times it went idle
 * @param busyTimeNanos time spent running tasks
 */
public record ProcessorStats(int id, String state, int queueLength, long tasksRun, long stealsIn,
                             long stealsOut, long globalTakes, long parks, long busyTimeNanos) {
}
