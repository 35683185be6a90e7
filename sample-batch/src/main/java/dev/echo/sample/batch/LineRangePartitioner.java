package dev.echo.sample.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Splits the input into {@code gridSize} ranges of whole lines, as equal in line count as the
 * file allows, with one sequential pass that counts newlines (about 0.1 s for 100 MB in the
 * page cache). A remote deployment would split the same way: the ranges are offsets into a
 * file every worker can read (a shared volume, or an object store's ranged GET).
 */
final class LineRangePartitioner implements Partitioner {

    private static final int BUFFER = 1 << 20;

    private final InputFile input;
    private final PipelineMonitor monitor;

    LineRangePartitioner(InputFile input, PipelineMonitor monitor) {
        this.input = input;
        this.monitor = monitor;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Path file = input.path();
        long[] lineStarts;
        long lines;
        try {
            long total = countLines(file);
            lines = total;
            lineStarts = lineStarts(file, total, gridSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to partition it: " + e.getMessage(), e);
        }
        monitor.expect(lines);
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (int i = 0; i < gridSize; i++) {
            long first = lines * i / gridSize;
            long next = lines * (i + 1) / gridSize;
            partitions.put("partition" + i, new LineRange(first + 1, next - first, lineStarts[i]).toContext());
        }
        return partitions;
    }

    /** Lines in the file; a last line without a newline counts. */
    private static long countLines(Path file) throws IOException {
        long lines = 0;
        byte last = '\n';
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            byte[] bytes = buffer.array();
            while (channel.read(buffer.clear()) > 0) {
                int n = buffer.position();
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        lines++;
                    }
                }
                last = bytes[n - 1];
            }
        }
        return last == '\n' ? lines : lines + 1;
    }

    /** The byte offset of line {@code total * i / gridSize} (0-based) for each partition i. */
    private static long[] lineStarts(Path file, long total, int gridSize) throws IOException {
        long[] starts = new long[gridSize];
        int next = 1; // partition 0 starts at byte 0
        while (next < gridSize && total * next / gridSize == 0) {
            next++; // empty leading partitions start at 0 too
        }
        long line = 0;
        long offset = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            byte[] bytes = buffer.array();
            while (next < gridSize && channel.read(buffer.clear()) > 0) {
                int n = buffer.position();
                for (int i = 0; i < n && next < gridSize; i++) {
                    if (bytes[i] == '\n') {
                        line++;
                        while (next < gridSize && total * next / gridSize == line) {
                            starts[next++] = offset + i + 1;
                        }
                    }
                }
                offset += n;
            }
        }
        while (next < gridSize) {
            starts[next++] = offset; // empty trailing partitions: at the end
        }
        return starts;
    }
}
