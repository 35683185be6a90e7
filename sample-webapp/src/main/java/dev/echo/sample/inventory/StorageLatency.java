package dev.echo.sample.inventory;

/**
 * The SQL function {@code STORAGE_LATENCY(ms)} (schema.sql): stands in for the time a real
 * database takes to answer, so that the sample's JDBC calls block as real ones do. H2 runs it on
 * the calling thread, inside the JDBC call: in an Echo task, the sleep parks the task and frees
 * its carrier for other tasks.
 */
public final class StorageLatency {

    private StorageLatency() {
    }

    /** Sleeps {@code millis}, then returns it. Called by H2. */
    public static int pause(int millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
        return millis;
    }
}
