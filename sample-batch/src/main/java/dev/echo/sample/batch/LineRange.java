package dev.echo.sample.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One partition of the input: whole lines, so every partition can name the line numbers of
 * what it skips. It travels to its worker in the partition's {@link ExecutionContext}, as
 * Spring Batch hands every partition its slice, locally or to a remote worker.
 *
 * @param firstLine number of its first line, 1-based
 * @param lineCount lines in it
 * @param startByte offset of its first line in the file
 */
record LineRange(long firstLine, long lineCount, long startByte) {

    private static final String FIRST_LINE = "range.firstLine";
    private static final String LINE_COUNT = "range.lineCount";
    private static final String START_BYTE = "range.startByte";

    ExecutionContext toContext() {
        ExecutionContext context = new ExecutionContext();
        context.putLong(FIRST_LINE, firstLine);
        context.putLong(LINE_COUNT, lineCount);
        context.putLong(START_BYTE, startByte);
        return context;
    }

    static LineRange from(ExecutionContext context) {
        return new LineRange(context.getLong(FIRST_LINE), context.getLong(LINE_COUNT), context.getLong(START_BYTE));
    }
}
