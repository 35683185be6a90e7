package dev.echo.spring.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@code echo} health contributor ({@code management.health.echo.*}, beside
 * Boot's own {@code management.health.<name>.*} groups).
 */
@ConfigurationProperties("management.health.echo")
public class EchoHealthProperties {

    /** Whether to enable the echo health contributor. */
    private boolean enabled = true;

    /** How long a processor may run no other task while work waits before the runtime counts as stalled. */
    private Duration stallThreshold = Duration.ofSeconds(1);

    /** Health status reported while a processor is stalled (DOWN, OUT_OF_SERVICE, or a status of your own). */
    private String stallStatus = "DOWN";

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getStallThreshold() {
        return this.stallThreshold;
    }

    public void setStallThreshold(Duration stallThreshold) {
        this.stallThreshold = stallThreshold;
    }

    public String getStallStatus() {
        return this.stallStatus;
    }

    public void setStallStatus(String stallStatus) {
        this.stallStatus = stallStatus;
    }
}
