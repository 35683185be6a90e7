package dev.echo.sample.inventory;

import dev.echo.runtime.EchoFuture;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/items/{id}}: returns the {@link Inventory}'s future at once, on the event loop;
 * WebFlux writes the item when the task's JDBC call has answered.
 */
@RestController
class InventoryController {

    private final Inventory inventory;

    InventoryController(Inventory inventory) {
        this.inventory = inventory;
    }

    @GetMapping("/api/items/{id}")
    EchoFuture<Item> item(@PathVariable long id) {
        return this.inventory.find(id);
    }
}
