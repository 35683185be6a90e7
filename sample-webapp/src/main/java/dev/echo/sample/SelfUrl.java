package dev.echo.sample;

import java.net.URI;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This application's own base URL over loopback, known once the server listens (the port may be
 * random). The fan-out's backends are endpoints of this same application, reached through it
 * with a real HTTP client, as a real aggregator reaches services elsewhere.
 */
@Component
public class SelfUrl implements ApplicationListener<WebServerInitializedEvent> {

    private final String host;

    private volatile int port = -1;

    SelfUrl(Environment environment) {
        this.host = host(environment);
    }

    /** The host to call ourselves on: {@code server.address} when it is set to one, else 127.0.0.1. */
    static String host(Environment environment) {
        String address = environment.getProperty("server.address", "");
        boolean wildcard = address.isBlank() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
        if (wildcard) {
            return "127.0.0.1";
        }
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        this.port = event.getWebServer().getPort();
    }

    /** {@code path} (with its query) on this application. */
    public URI resolve(String pathAndQuery) {
        int current = this.port;
        if (current < 0) {
            throw new IllegalStateException("the web server is not listening yet; no URL for " + pathAndQuery);
        }
        return URI.create("http://" + this.host + ":" + current + pathAndQuery);
    }
}
