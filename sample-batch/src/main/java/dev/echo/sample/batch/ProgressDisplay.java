package dev.echo.sample.batch;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * The terminal progress bar of the partitioned step (me.tongfei:progressbar, which draws on
 * stderr through JLine): lines done of the lines counted, lines per second, and as its extra
 * message the batches waiting before each stage over all partitions. The bar draws itself on
 * its own thread; a small scheduled thread feeds it from {@link PipelineMonitor} twice a second,
 * so the pipeline's hot path touches only a counter.
 */
final class ProgressDisplay implements StepExecutionListener {

    private static final long REFRESH_MILLIS = 500;

    private final PipelineMonitor monitor;
    private final boolean enabled;
    private @Nullable ProgressBar bar;
    private @Nullable ScheduledExecutorService feeder;

    ProgressDisplay(PipelineMonitor monitor, boolean enabled) {
        this.monitor = monitor;
        this.enabled = enabled;
    }

    @Override
    public synchronized void beforeStep(StepExecution stepExecution) {
        if (!enabled) {
            return;
        }
        ProgressBar progress = ProgressBar.builder()
                .setTaskName("analyse")
                .setInitialMax(-1) // unknown until the partitioner has counted the lines
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" lines", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setUpdateIntervalMillis((int) REFRESH_MILLIS)
                .build();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("progress").daemon().factory());
        ticks.scheduleAtFixedRate(() -> {
            long expected = monitor.expected();
            if (expected >= 0 && progress.getMax() != expected) {
                progress.maxHint(expected);
            }
            progress.stepTo(monitor.done());
            progress.setExtraMessage(monitor.depths());
        }, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        this.bar = progress;
        this.feeder = ticks;
    }

    @Override
    public synchronized ExitStatus afterStep(StepExecution stepExecution) {
        if (feeder != null && bar != null) {
            feeder.shutdownNow();
            try {
                feeder.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bar.stepTo(monitor.done());
            bar.setExtraMessage("");
            bar.close();
            feeder = null;
            bar = null;
        }
        return stepExecution.getExitStatus();
    }
}
