package dev.echo.sample.batch;

import java.util.Collection;

import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.support.DefaultStepExecutionAggregator;
import org.springframework.batch.core.step.StepExecution;

/**
 * Merges the partitions' summaries into the job's execution context, where the report step
 * reads it, after Spring Batch's default aggregation of their counts and statuses.
 *
 * <p>Here the partitions' step executions are the objects the local partition handler ran. With
 * remote partitioning they come back from the job repository instead (Spring Batch's
 * {@code RemoteStepExecutionAggregator} reloads them), which is why the summary travels in the
 * step execution context, which the repository stores.
 */
final class SummaryAggregator implements StepExecutionAggregator {

    /** The merged {@link AnalysisSummary} in the job execution context. */
    static final String SUMMARY = "analysis.summary";

    private final StepExecutionAggregator counts = new DefaultStepExecutionAggregator();

    @Override
    public void aggregate(StepExecution result, Collection<StepExecution> executions) {
        counts.aggregate(result, executions);
        AnalysisSummary merged = AnalysisSummary.EMPTY;
        for (StepExecution partition : executions) {
            Object summary = partition.getExecutionContext().get(PipelineTasklet.SUMMARY);
            if (summary instanceof AnalysisSummary found) {
                merged = merged.merge(found);
            }
        }
        result.getJobExecution().getExecutionContext().put(SUMMARY, merged);
    }
}
