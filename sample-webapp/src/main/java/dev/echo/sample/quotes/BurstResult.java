package dev.echo.sample.quotes;

/**
 * The answer of {@code POST /api/burst}: how the burst's quote requests ended.
 *
 * @param requests quote requests sent (at most QuoteController.BURST_IN_FLIGHT at a time)
 * @param complete boards where every backend answered in time
 * @param partial boards with a backend missing
 * @param failed requests that got no board at all
 * @param elapsedMillis from the first request sent to the last answer
 */
record BurstResult(int requests, int complete, int partial, int failed, long elapsedMillis) {
}
