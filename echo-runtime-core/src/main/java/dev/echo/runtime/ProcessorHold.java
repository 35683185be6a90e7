package dev.echo.runtime;

import java.time.Duration;

/**
 * A processor that has run no other task for a while: running, with its task count unchanged
 * since the monitor first saw it so for longer than the monitor's hold limit (10 ms). One task
 * holds it: a CPU loop that never reaches a scheduling point, a long spawning loop, or a native
 * call pinning the carrier. With several processors the monitor moves what waits behind it to
 * the global queue, and hands the processor off when every one is held; with one, nothing else
 * runs until the task lets go.
 *
 * @param processor   the processor's id
 * @param heldFor     how long it has run no other task
 * @param queueLength tasks waiting in its own run queue
 * @param task        the task running on it, or null if it could not be identified
 */
public record ProcessorHold(int processor, Duration heldFor, int queueLength, TaskInfo task) {
}
