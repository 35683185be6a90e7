package dev.echo.sample.batch;

import dev.echo.runtime.EchoRuntime;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * The job: three steps.
 *
 * <ol>
 *   <li>{@value #PREPARE}: generate the input, or check the given one is readable.
 *   <li>{@value #ANALYSE}: a partitioned step. The partitioner splits the input into line ranges;
 *       each partition runs as a worker step ({@value #PARTITION}) whose tasklet runs that range
 *       through an {@link AccessLogPipeline}, all partitions at once; the aggregator merges their
 *       summaries.
 *   <li>{@value #WRITE_REPORT}: write the report (to a temporary file, renamed when complete).
 * </ol>
 *
 * The tasklets write nothing transactional (files, and their results into step execution
 * contexts, which the job repository persists in its own transactions), so they run with a
 * {@link ResourcelessTransactionManager}: a data-source transaction around a tasklet would hold a
 * pooled connection for the whole minute-long partition.
 */
@Configuration(proxyBeanMethods = false)
class AccessLogJobConfiguration {

    static final String JOB = "accessLogJob";
    static final String PREPARE = "prepareInput";
    static final String ANALYSE = "analyse";
    static final String PARTITION = "analysePartition";
    static final String WRITE_REPORT = "writeReport";

    @Bean
    JobInterruption jobInterruption() {
        return new JobInterruption();
    }

    @Bean
    Job accessLogJob(JobRepository repository, Step prepareInput, Step analyse, Step writeReport,
            AccessLogProperties properties, InputFile input, EchoRuntime runtime, JobInterruption interruption) {
        return new JobBuilder(JOB, repository)
                .listener(interruption)
                .listener(new RunSummary(properties, input, runtime, interruption, System.out))
                .start(prepareInput)
                .next(analyse)
                .next(writeReport)
                .build();
    }

    @Bean
    Step prepareInput(JobRepository repository, InputFile input, JobInterruption interruption) {
        return new StepBuilder(PREPARE, repository).tasklet((contribution, chunk) -> {
            try (var running = interruption.register()) {
                input.prepare();
            }
            return RepeatStatus.FINISHED;
        }, new ResourcelessTransactionManager()).build();
    }

    @Bean
    Step analyse(JobRepository repository, AccessLogProperties properties, InputFile input, PipelineMonitor monitor,
            AccessLogPipeline pipeline, JobInterruption interruption) {
        Step partition = new StepBuilder(PARTITION, repository)
                .tasklet(new PipelineTasklet(pipeline, input, interruption), new ResourcelessTransactionManager())
                .build();
        // One platform thread per partition, each waiting for its pipeline; all partitions run at once.
        SimpleAsyncTaskExecutor partitionThreads = new SimpleAsyncTaskExecutor("partition-");
        partitionThreads.setConcurrencyLimit(properties.getPartitions());
        return new StepBuilder(ANALYSE, repository)
                .partitioner(PARTITION, new LineRangePartitioner(input, monitor))
                .step(partition)
                .gridSize(properties.getPartitions())
                .taskExecutor(partitionThreads)
                .aggregator(new SummaryAggregator())
                .listener(new ProgressDisplay(monitor, properties.isProgress()))
                .build();
    }

    /** The input is mostly not access-log lines: no report, and the job fails. */
    static final class MalformedInputException extends RuntimeException {
        MalformedInputException(String message) {
            super(message);
        }
    }

    @Bean
    Step writeReport(JobRepository repository, AccessLogProperties properties, InputFile input,
            JobInterruption interruption) {
        return new StepBuilder(WRITE_REPORT, repository).tasklet((contribution, chunk) -> {
            AnalysisSummary summary = (AnalysisSummary) contribution.getStepExecution().getJobExecution()
                    .getExecutionContext().get(SummaryAggregator.SUMMARY);
            if (summary == null) {
                throw new IllegalStateException("the " + ANALYSE + " step left no summary");
            }
            if (summary.malformed() > summary.lines() * properties.getMaxMalformedShare()) {
                throw new MalformedInputException(String.format(java.util.Locale.ROOT,
                        "%d of the %d lines of %s are malformed, more than the %.0f%% accepted "
                                + "(access-log.max-malformed-share); is it in the common log format?",
                        summary.malformed(), summary.lines(), input.path(), properties.getMaxMalformedShare() * 100));
            }
            try (var running = interruption.register()) {
                ReportWriter.write(summary, input.description(), properties.getOutput());
            }
            return RepeatStatus.FINISHED;
        }, new ResourcelessTransactionManager()).build();
    }
}
