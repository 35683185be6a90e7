package dev.echo.runtime;

import java.util.List;

/**
 * The answer of {@link EchoRuntime#taskDump}: the live tasks that matched, the first
 * {@code limit} of them by id (oldest first).
 *
 * @param matched how many live tasks matched the status filter (may exceed {@code tasks.size()})
 * @param tasks   the tasks listed, by id
 */
public record TaskDump(int matched, List<TaskInfo> tasks) {

    public TaskDump {
        tasks = List.copyOf(tasks);
    }
}
