package dev.echo.bench.http.mvc;

import java.net.http.HttpClient;
import java.util.concurrent.Executors;

import dev.echo.bench.http.BackendClients;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Spring MVC on Tomcat with {@code spring.threads.virtual.enabled=true} ({@code mvc-vt}): the
 * "one flag" alternative. The backend client is a {@code RestClient} on the JDK
 * {@code HttpClient} (pinned here: with Reactor Netty on the class path Boot would pick it), whose
 * own work runs on virtual threads too; it keeps up to {@link BackendClients#POOL} idle
 * connections ({@code jdk.httpclient.connectionPoolSize}, set by the benchmark's command line).
 */
@SpringBootApplication
public class MvcApp {

    @Bean(destroyMethod = "close")
    HttpClient backendHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    @Bean
    RestClient backend(RestClient.Builder builder, HttpClient backendHttpClient,
                       @Value("${bench.backend:http://127.0.0.1:9}") String url) {
        return builder.baseUrl(url).requestFactory(new JdkClientHttpRequestFactory(backendHttpClient)).build();
    }
}
