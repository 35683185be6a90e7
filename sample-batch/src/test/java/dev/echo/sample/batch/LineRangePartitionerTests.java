package dev.echo.sample.batch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LineRangePartitionerTests {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = { 1, 2, 3, 7, 10, 13 })
    void rangesCoverEveryLineOnceAndStartAtTheirLine(int partitions) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            lines.add("line " + i + " " + "x".repeat(i * 3));
        }
        Path file = dir.resolve("in.log");
        Files.writeString(file, String.join("\n", lines)); // no newline after the last line

        List<LineRange> ranges = partition(file, partitions);

        assertThat(ranges).hasSize(partitions);
        assertThat(ranges.stream().mapToLong(LineRange::lineCount).sum()).isEqualTo(10);
        long next = 1;
        for (LineRange range : ranges) {
            assertThat(range.firstLine()).isEqualTo(next);
            assertThat(range.lineCount()).isBetween(10L / partitions, 10L / partitions + 1);
            if (range.lineCount() > 0) {
                assertThat(lineAt(file, range.startByte())).isEqualTo(lines.get((int) range.firstLine() - 1));
            }
            next += range.lineCount();
        }
    }

    @Test
    void anEmptyFileHasEmptyPartitions() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.log"));

        assertThat(partition(file, 3)).extracting(LineRange::lineCount).containsExactly(0L, 0L, 0L);
    }

    private static List<LineRange> partition(Path file, int partitions) {
        AccessLogProperties properties = new AccessLogProperties();
        properties.setInput(file.toString());
        PipelineMonitor monitor = new PipelineMonitor();
        return new LineRangePartitioner(new InputFile(properties), monitor).partition(partitions).values().stream()
                .map(LineRange::from).toList();
    }

    private static String lineAt(Path file, long offset) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset);
            return new String(in.readLine().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        }
    }
}
