package dev.echo.sample.quotes;

/** A backend's answer: its price for an item. */
record Price(String backend, String item, double price) {
}
