CREATE TABLE item (
    id    BIGINT PRIMARY KEY,
    name  VARCHAR(100) NOT NULL,
    stock INT NOT NULL,
    price DECIMAL(10, 2) NOT NULL
);

-- A real database's answer time, on the caller's thread (StorageLatency.pause).
CREATE ALIAS STORAGE_LATENCY FOR 'dev.echo.sample.inventory.StorageLatency.pause';
