package dev.echo.sample;

import dev.echo.runtime.EchoRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Once the server listens, says where to point a browser (the README's run command ends here). */
@Component
class ReadyBanner implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    private final EchoRuntime runtime;

    ReadyBanner(EchoRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
            return;
        }
        String base = "http://" + SelfUrl.host(event.getApplicationContext().getEnvironment()) + ":" + web.getWebServer().getPort();
        log.info("""
                Echo sample-webapp is ready: runtime '{}' on {}, {} processors. Open:
                  {}/                             the live dashboard (press "Fire a burst")
                  {}/api/quotes?item=book         fan-out to slow backends with a deadline
                  {}/api/items/42                 blocking JDBC in an @EchoTask
                  {}/api/stream                   server-sent events from a bounded channel
                  {}/actuator/echo                the runtime's statistics (/tasks: the task dump)
                  {}/actuator/prometheus          its meters
                Ctrl-C stops it gracefully.""",
                this.runtime.name(), this.runtime.transport().name().toLowerCase(java.util.Locale.ROOT), this.runtime.processors(),
                base, base, base, base, base, base);
    }
}
