package dev.echo.sample.batch;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.ProcessorStats;
import dev.echo.runtime.RuntimeStats;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Prints what the job did when it ends: its status, each step's time and counts, the analyse
 * step's rate, where the report is; and, for the Echo engine, the runtime's statistics per
 * processor ({@link EchoRuntime#stats()}). Also deletes a generated input.
 */
final class RunSummary implements JobExecutionListener {

    private final AccessLogProperties properties;
    private final InputFile input;
    private final EchoRuntime runtime;
    private final JobInterruption interruption;
    private final PrintStream out;

    RunSummary(AccessLogProperties properties, InputFile input, EchoRuntime runtime, JobInterruption interruption,
            PrintStream out) {
        this.interruption = interruption;
        this.properties = properties;
        this.input = input;
        this.runtime = runtime;
        this.out = out;
    }

    @Override
    public void afterJob(JobExecution job) {
        input.cleanUp();
        StringBuilder text = new StringBuilder("\n");
        Duration total = between(job.getStartTime(), LocalDateTime.now());
        text.append(String.format(Locale.ROOT, "%s %s in %.2f s (engine %s, %d partitions, input %s)\n",
                job.getJobInstance().getJobName(), job.getStatus(), seconds(total),
                properties.getEngine().name().toLowerCase(Locale.ROOT), properties.getPartitions(),
                input.description()));
        for (StepExecution step : job.getStepExecutions()) {
            if (step.getStepName().contains(":")) {
                continue; // a partition: its counts are in its manager step's
            }
            Duration time = between(step.getStartTime(), step.getEndTime());
            text.append(String.format(Locale.ROOT, "  %-13s %-9s %7.2f s", step.getStepName(), step.getStatus(),
                    seconds(time)));
            if (step.getStepName().equals(AccessLogJobConfiguration.ANALYSE)) {
                double rate = time.isZero() ? 0 : step.getReadCount() / seconds(time);
                text.append(String.format(Locale.ROOT, "  %,d lines read, %,d records, %,d malformed skipped, %,.0f lines/s",
                        step.getReadCount(), step.getWriteCount(), step.getReadSkipCount(), rate));
            }
            if (step.getStepName().equals(AccessLogJobConfiguration.WRITE_REPORT) && step.getStatus().name().equals("COMPLETED")) {
                text.append("  ").append(properties.getOutput().toAbsolutePath());
            }
            text.append('\n');
        }
        List<Throwable> failures = job.getAllFailureExceptions();
        if (interruption.interrupted()) {
            // Every partition reports its cancellation; one line says what happened.
            text.append("  interrupted by shutdown (Ctrl-C or SIGTERM): no report written\n");
        } else {
            for (Throwable failure : failures) {
                text.append("  failed: ").append(message(failure)).append('\n');
            }
        }
        if (properties.getEngine() == Engine.ECHO) {
            text.append(echoStats(runtime.stats()));
        }
        out.print(text);
        out.flush();
    }

    static String echoStats(RuntimeStats stats) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT,
                "Echo runtime '%s' (%s): %,d tasks spawned, %,d completed, %,d failed, %,d cancelled; "
                        + "%,d channel messages sent, %,d received; %d carrier threads, %d hand-offs\n",
                stats.name(), stats.transport(), stats.tasksSpawned(), stats.tasksCompleted(), stats.tasksFailed(),
                stats.tasksCancelled(), stats.channelMessagesSent(), stats.channelMessagesReceived(), stats.workers(),
                stats.handOffs()));
        text.append(String.format(Locale.ROOT, "  %-9s %12s %10s %10s %12s %10s %10s\n", "processor", "tasks run",
                "steals in", "steals out", "global takes", "parks", "busy ms"));
        for (ProcessorStats p : stats.processors()) {
            text.append(String.format(Locale.ROOT, "  %-9d %,12d %,10d %,10d %,12d %,10d %,10d\n", p.id(), p.tasksRun(),
                    p.stealsIn(), p.stealsOut(), p.globalTakes(), p.parks(), p.busyTimeNanos() / 1_000_000));
        }
        return text.toString();
    }

    /** The exception's message, with its causes' where they add something. */
    private static String message(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName() + ": " + failure.getMessage());
        for (Throwable cause = failure.getCause(); cause != null && cause != failure; cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return text.toString();
    }

    private static Duration between(LocalDateTime start, LocalDateTime end) {
        return start == null || end == null ? Duration.ZERO : Duration.between(start, end);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
