package dev.echo.sample.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The job's input: the file given with {@code --input}, or one generated into the temporary
 * directory by the first step and deleted when the job ends.
 */
@Component
final class InputFile {

    private static final Logger log = LoggerFactory.getLogger(InputFile.class);

    private final AccessLogProperties properties;
    private final Path path;
    private final boolean generated;

    InputFile(AccessLogProperties properties) {
        this.properties = properties;
        Path given = properties.inputPath();
        this.generated = given == null;
        this.path = generated
                ? Path.of(System.getProperty("java.io.tmpdir"), "echo-access-log-" + UUID.randomUUID() + ".log")
                : given;
    }

    Path path() {
        return path;
    }

    boolean generated() {
        return generated;
    }

    /** How the report names its input: the file's name, or how it was generated. */
    String description() {
        return generated
                ? "generated, " + properties.getGenerate() + " lines, seed " + properties.getSeed()
                        + ", malformed rate " + properties.getMalformedRate()
                : String.valueOf(path.getFileName());
    }

    /** Generates the input when none was given; checks a given one is still readable. */
    void prepare() throws IOException {
        if (!generated) {
            if (!Files.isReadable(path)) {
                throw new IOException("input file " + path.toAbsolutePath() + " is not readable (any more)");
            }
            return;
        }
        log.info("Generating {} access-log lines (seed {}) into {}", properties.getGenerate(), properties.getSeed(), path);
        try {
            new AccessLogGenerator(properties.getSeed(), properties.getMalformedRate()).write(path, properties.getGenerate());
        } catch (IOException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Deletes the generated input, if any. */
    void cleanUp() {
        if (generated) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("Could not delete the generated input {}: {}", path, e.toString());
            }
        }
    }
}
