package dev.echo.bench.http;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The backend client of the reactive contenders: a {@code WebClient} on the application's own
 * loops (Echo's, or Reactor Netty's) with a pool of {@link #POOL} connections. Reactor Netty's
 * default pool (16 per host here: 2 x CPUs, at least 16) would queue most of the 768 concurrent
 * backend calls of {@code http-fanout} (256 connections x 3); the MVC contender's JDK
 * {@code HttpClient} opens a connection per concurrent call, with up to {@link #POOL} kept alive.
 */
@Configuration(proxyBeanMethods = false)
public class BackendClients {

    /** Backend connections a contender may hold: above 768, the most {@code http-fanout} needs at once. */
    public static final int POOL = 1024;

    @Bean(destroyMethod = "dispose")
    ConnectionProvider backendPool() {
        return ConnectionProvider.builder("backend").maxConnections(POOL).pendingAcquireMaxCount(-1).build();
    }

    @Bean
    WebClient backend(WebClient.Builder builder, ReactorResourceFactory resources, ConnectionProvider backendPool,
                      @Value("${bench.backend:http://127.0.0.1:9}") String url) {
        HttpClient client = HttpClient.create(backendPool).runOn(resources.getLoopResources());
        return builder.baseUrl(url).clientConnector(new ReactorClientHttpConnector(client)).build();
    }
}
