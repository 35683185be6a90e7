package dev.echo.bench.http;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.echo.bench.http.echo.EchoApp;
import dev.echo.bench.http.elastic.ElasticApp;
import dev.echo.bench.http.mvc.MvcApp;
import dev.echo.bench.http.webflux.WebFluxApp;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The entry point of {@code echo-benchmarks-http.jar}: {@code java -jar echo-benchmarks-http.jar
 * CONTENDER [--server.port=N] [--bench.backend=http://127.0.0.1:M]}, where CONTENDER is one of
 * {@code echo}, {@code echo-rn-loops}, {@code webflux}, {@code webflux-elastic}, {@code mvc-vt}
 * or {@code backend} (the fan-out backend, no Spring).
 *
 * <p>Every contender serves the same three paths with the same JSON bodies: {@code /hello},
 * {@code /sleep} (answers after {@link #WAIT}) and {@code /fanout} (three concurrent calls to the
 * backend, combined). All web stacks share this one class path, so each application names its
 * web application type, and the reactive ones exclude Tomcat's reactive server (with both
 * servers present Boot would otherwise pick Tomcat for WebFlux too).
 */
public final class HttpContenders {

    /** What {@code /sleep} waits before it answers: a stand-in for a database call. */
    public static final Duration WAIT = Duration.ofMillis(10);

    private static final String NOT_TOMCAT_FOR_WEBFLUX =
            "org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration,"
            + "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatReactiveManagementContextAutoConfiguration";

    private HttpContenders() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("name a contender: echo, echo-rn-loops, webflux, webflux-elastic, mvc-vt or backend");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "backend" -> Backend.main(rest);
            case "echo" -> reactive(EchoApp.class, rest, "echo.web.loops", "echo");
            case "echo-rn-loops" -> reactive(EchoApp.class, rest, "echo.web.loops", "reactor-netty");
            case "webflux" -> reactive(WebFluxApp.class, rest, "echo.runtime.enabled", "false");
            case "webflux-elastic" -> reactive(ElasticApp.class, rest, "echo.runtime.enabled", "false");
            case "mvc-vt" -> start(MvcApp.class, WebApplicationType.SERVLET, rest, Map.of(
                    "echo.runtime.enabled", "false",
                    "spring.threads.virtual.enabled", "true",
                    // Tomcat closes a keep-alive connection after 100 requests by default, Netty
                    // never: wrk would measure reconnects, not the threading model.
                    "server.tomcat.max-keep-alive-requests", "-1",
                    // Netty's listen backlog is the kernel's somaxconn (4096 here); Tomcat's is 100.
                    "server.tomcat.accept-count", "4096"));
            default -> throw new IllegalArgumentException("unknown contender '" + args[0]
                    + "'; the contenders are echo, echo-rn-loops, webflux, webflux-elastic, mvc-vt, backend");
        }
    }

    private static void reactive(Class<?> app, String[] args, String key, String value) {
        start(app, WebApplicationType.REACTIVE, args, Map.of(key, value,
                "spring.autoconfigure.exclude", NOT_TOMCAT_FOR_WEBFLUX));
    }

    private static void start(Class<?> app, WebApplicationType type, String[] args, Map<String, String> properties) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("spring.main.banner-mode", "off");
        all.put("logging.level.root", "warn");
        all.put("server.address", "127.0.0.1");
        all.putAll(properties);
        new SpringApplicationBuilder(app).web(type).properties(all).run(args);
    }
}
