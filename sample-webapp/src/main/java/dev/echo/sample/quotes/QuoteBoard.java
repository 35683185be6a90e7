package dev.echo.sample.quotes;

import java.util.List;

/**
 * The answer of {@code GET /api/quotes}: every backend's quote, in configuration order.
 *
 * @param item the item priced
 * @param deadlineMillis the deadline the request ran under
 * @param elapsedMillis how long the answer took, stragglers' cancellation included
 * @param complete true when every backend answered in time (failures included)
 * @param best the lowest price that arrived, or null
 * @param quotes one per backend
 */
record QuoteBoard(String item, long deadlineMillis, long elapsedMillis, boolean complete, Double best, List<Quote> quotes) {
}
