package dev.echo.sample.batch;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The worker step of the partitioned step: runs one partition's pipeline and leaves what it
 * found in the partition's step execution (its counts, and the summary in its context), where
 * {@link SummaryAggregator} collects it.
 */
final class PipelineTasklet implements Tasklet {

    /** The partition's {@link AnalysisSummary} in its step execution context. */
    static final String SUMMARY = "summary";

    private final AccessLogPipeline pipeline;
    private final InputFile input;
    private final JobInterruption interruption;

    PipelineTasklet(AccessLogPipeline pipeline, InputFile input, JobInterruption interruption) {
        this.pipeline = pipeline;
        this.input = input;
        this.interruption = interruption;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        StepExecution step = contribution.getStepExecution();
        LineRange range = LineRange.from(step.getExecutionContext());
        AnalysisSummary summary;
        try (var running = interruption.register()) {
            summary = pipeline.run(input.path(), range);
        }
        step.getExecutionContext().put(SUMMARY, summary);
        // Spring Batch's own counts, so its metadata (and the manager step's aggregate) say
        // what happened: lines read, records written to the summary, malformed lines skipped.
        step.setReadCount(summary.lines());
        contribution.incrementWriteCount(summary.records());
        contribution.incrementReadSkipCount(summary.malformed());
        return RepeatStatus.FINISHED;
    }
}
