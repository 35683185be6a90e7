-- 1,000 items, the same on every start.
INSERT INTO item (id, name, stock, price)
SELECT x, 'item ' || x, MOD(x * 37, 100), 1 + MOD(x * 13, 50) + 0.99
FROM SYSTEM_RANGE(1, 1000);
