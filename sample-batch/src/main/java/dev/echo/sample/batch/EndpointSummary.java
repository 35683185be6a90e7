package dev.echo.sample.batch;

import java.io.Serializable;

/**
 * One endpoint's figures.
 *
 * @param endpoint method and route
 * @param requests requests to it
 * @param byClass  requests by status class: index 0 is 1xx, 1 is 2xx, ... 4 is 5xx
 * @param sizes    the distribution of its response sizes
 */
record EndpointSummary(String endpoint, long requests, long[] byClass, SizeDistribution sizes) implements Serializable {

    EndpointSummary merge(EndpointSummary other) {
        long[] classes = byClass.clone();
        for (int i = 0; i < classes.length; i++) {
            classes[i] += other.byClass[i];
        }
        return new EndpointSummary(endpoint, requests + other.requests, classes, sizes.merge(other.sizes));
    }
}
