package dev.echo.sample.inventory;

import java.math.BigDecimal;

/** A row of the {@code item} table. */
record Item(long id, String name, int stock, BigDecimal price) {
}
