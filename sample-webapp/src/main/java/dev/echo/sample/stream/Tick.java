package dev.echo.sample.stream;

/**
 * One server-sent event of {@code /api/stream}.
 *
 * @param seq 1, 2, 3, … in production order
 * @param atMillis when the producer made it, in milliseconds since the stream began
 * @param pausedMillis how long the producer was held up just before making it: its previous
 *        {@code send} waited this long for room in the full channel (0 while the client keeps up)
 * @param queued ticks already waiting in the channel when this one was made
 */
record Tick(long seq, long atMillis, long pausedMillis, int queued) {
}
