package dev.echo.sample.batch;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The job's settings ({@code access-log.*}; application.properties maps the short command-line
 * forms {@code --input}, {@code --output}, {@code --generate}, {@code --engine},
 * {@code --partitions} onto them).
 *
 * <p>It validates itself, so a missing or unreadable input ends start-up in Boot's failure
 * report naming the path, before the job starts.
 */
@ConfigurationProperties("access-log")
public class AccessLogProperties implements Validator {

    /** The access log to analyse, in common log format; empty means generate one. */
    private @Nullable String input;

    /** Where the report goes; written to a temporary file beside it, renamed when complete. */
    private Path output = Path.of("access-log-report.txt");

    /** Lines of the generated input (when no input is given). */
    private long generate = 1_000_000;

    /** Seed of the generated input: the same seed and size give the same file, byte for byte. */
    private long seed = 42;

    /** Share of generated lines that are malformed, to exercise the skip path. */
    private double malformedRate = 0.001;

    /** What runs each partition's pipeline: echo (tasks and channels), platform or virtual (threads and queues). */
    private Engine engine = Engine.ECHO;

    /** Partitions of the input (line ranges); each runs as its own pipeline, all at once. */
    private int partitions = 4;

    /** Lines per batch handed between stages. */
    private int batchSize = 500;

    /** Batches each channel between two stages holds. */
    private int channelCapacity = 16;

    /** Largest share of malformed lines the job accepts; above it the job fails (the input is probably not a common log). */
    private double maxMalformedShare = 0.5;

    /** Parse workers per partition; 0 means one per processor. */
    private int parseWorkers;

    /** Enrich workers per partition (each waits on the database per batch). */
    private int enrichWorkers = 8;

    /** Whether to draw the progress bar on the terminal. */
    private boolean progress = true;

    /** Malformed lines logged as they are found (all are counted; the report lists the first 100). */
    private int logMalformed = 5;

    /** The input file given, or null to generate one. */
    public @Nullable Path inputPath() {
        return input == null || input.isBlank() ? null : Path.of(input);
    }

    @Override
    public boolean supports(Class<?> type) {
        return AccessLogProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        Path path = inputPath();
        if (path != null) {
            if (!Files.exists(path)) {
                errors.rejectValue("input", "missing", "input file " + path.toAbsolutePath() + " does not exist");
            } else if (!Files.isRegularFile(path)) {
                errors.rejectValue("input", "notFile", "input " + path.toAbsolutePath() + " is not a regular file");
            } else if (!Files.isReadable(path)) {
                errors.rejectValue("input", "unreadable", "input file " + path.toAbsolutePath() + " is not readable");
            }
        }
        if (generate < 1) {
            errors.rejectValue("generate", "range", "generate must be at least 1 line, was " + generate);
        }
        if (malformedRate < 0 || malformedRate > 1) {
            errors.rejectValue("malformedRate", "range", "malformed-rate must be between 0 and 1, was " + malformedRate);
        }
        if (maxMalformedShare < 0 || maxMalformedShare > 1) {
            errors.rejectValue("maxMalformedShare", "range", "max-malformed-share must be between 0 and 1, was " + maxMalformedShare);
        }
        positive(errors, "partitions", partitions);
        positive(errors, "batchSize", batchSize);
        positive(errors, "channelCapacity", channelCapacity);
        positive(errors, "enrichWorkers", enrichWorkers);
        if (parseWorkers < 0) {
            errors.rejectValue("parseWorkers", "range", "parse-workers must be 0 (one per processor) or more, was " + parseWorkers);
        }
    }

    private static void positive(Errors errors, String field, int value) {
        if (value < 1) {
            errors.rejectValue(field, "range", field + " must be at least 1, was " + value);
        }
    }

    public @Nullable String getInput() {
        return input;
    }

    public void setInput(@Nullable String input) {
        this.input = input;
    }

    public Path getOutput() {
        return output;
    }

    public void setOutput(Path output) {
        this.output = output;
    }

    public long getGenerate() {
        return generate;
    }

    public void setGenerate(long generate) {
        this.generate = generate;
    }

    public long getSeed() {
        return seed;
    }

    public void setSeed(long seed) {
        this.seed = seed;
    }

    public double getMalformedRate() {
        return malformedRate;
    }

    public void setMalformedRate(double malformedRate) {
        this.malformedRate = malformedRate;
    }

    public double getMaxMalformedShare() {
        return maxMalformedShare;
    }

    public void setMaxMalformedShare(double maxMalformedShare) {
        this.maxMalformedShare = maxMalformedShare;
    }

    public Engine getEngine() {
        return engine;
    }

    public void setEngine(Engine engine) {
        this.engine = engine;
    }

    public int getPartitions() {
        return partitions;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public int getChannelCapacity() {
        return channelCapacity;
    }

    public void setChannelCapacity(int channelCapacity) {
        this.channelCapacity = channelCapacity;
    }

    public int getParseWorkers() {
        return parseWorkers;
    }

    public void setParseWorkers(int parseWorkers) {
        this.parseWorkers = parseWorkers;
    }

    public int getEnrichWorkers() {
        return enrichWorkers;
    }

    public void setEnrichWorkers(int enrichWorkers) {
        this.enrichWorkers = enrichWorkers;
    }

    public boolean isProgress() {
        return progress;
    }

    public void setProgress(boolean progress) {
        this.progress = progress;
    }

    public int getLogMalformed() {
        return logMalformed;
    }

    public void setLogMalformed(int logMalformed) {
        this.logMalformed = logMalformed;
    }
}
