package dev.echo.sample.inventory;

import java.time.Duration;

import dev.echo.runtime.EchoFuture;
import dev.echo.spring.task.EchoTask;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Blocking code made cheap: plain JDBC (Spring's {@link JdbcClient}, Hikari, embedded H2) in
 * {@code @EchoTask} methods. Each call runs as an Echo task; waiting for a pooled connection and
 * for the query both park the task, so a thousand requests in flight are a thousand small tasks
 * queued on the pool, not a thousand threads.
 */
@Component
public class Inventory {

    private final JdbcClient jdbc;

    private final int queryLatencyMillis;

    Inventory(JdbcClient jdbc, @Value("${sample.inventory.query-latency:20ms}") Duration queryLatency) {
        if (queryLatency.isNegative() || queryLatency.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sample.inventory.query-latency must be 0 or more milliseconds, was " + queryLatency);
        }
        this.jdbc = jdbc;
        this.queryLatencyMillis = (int) queryLatency.toMillis();
    }

    @EchoTask("inventory.find")
    public EchoFuture<Item> find(long id) {
        Item item = this.jdbc.sql("""
                SELECT id, name, stock, price FROM item
                WHERE id = :id AND STORAGE_LATENCY(:latency) >= 0""")
            .param("id", id)
            .param("latency", this.queryLatencyMillis)
            .query(Item.class)
            .optional()
            .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no item with id " + id));
        return EchoFuture.resolved(item);
    }
}
