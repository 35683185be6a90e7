package dev.echo.sample.quotes;

/**
 * One backend's part of a quote board.
 *
 * @param backend the backend asked
 * @param status {@code ok}, {@code failed} (it answered with an error, or could not be reached) or
 *        {@code missing} (no answer by the deadline; the request was cancelled)
 * @param price its price, when {@code ok}
 * @param millis how long it took, when it answered; the deadline, when missing
 * @param reason why it failed or is missing, else null
 */
record Quote(String backend, String status, Double price, long millis, String reason) {

    static Quote ok(String backend, double price, long millis) {
        return new Quote(backend, "ok", price, millis, null);
    }

    static Quote failed(String backend, long millis, String reason) {
        return new Quote(backend, "failed", null, millis, reason);
    }

    static Quote missing(String backend, long deadlineMillis) {
        return new Quote(backend, "missing", null, deadlineMillis, "no answer within the " + deadlineMillis + " ms deadline; request cancelled");
    }

    boolean isOk() {
        return this.status.equals("ok");
    }
}
