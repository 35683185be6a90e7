package dev.echo.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a WebFlux application uses Echo ({@code echo.web.*}).
 */
@ConfigurationProperties("echo.web")
public class EchoWebProperties {

    /** Which event loops carry the HTTP server's and WebClient's channels; either way they use echo.runtime.transport. */
    private Loops loops = Loops.ECHO;

    /** Whether WebFlux runs blocking controller methods (those not returning a reactive type) as Echo tasks. */
    private boolean blockingExecution;

    /** Whether Echo's types are also registered in the shared ReactiveAdapterRegistry (consulted by @Transactional, Spring Data and MVC). */
    private boolean sharedAdapterRegistry = true;

    public Loops getLoops() {
        return this.loops;
    }

    public void setLoops(Loops loops) {
        this.loops = loops;
    }

    public boolean isBlockingExecution() {
        return this.blockingExecution;
    }

    public void setBlockingExecution(boolean blockingExecution) {
        this.blockingExecution = blockingExecution;
    }

    public boolean isSharedAdapterRegistry() {
        return this.sharedAdapterRegistry;
    }

    public void setSharedAdapterRegistry(boolean sharedAdapterRegistry) {
        this.sharedAdapterRegistry = sharedAdapterRegistry;
    }

    /** Event loops of the HTTP server and client. */
    public enum Loops {

        /** Echo's own Reactor loop: request I/O and handler tasks share Echo's workers. */
        ECHO,

        /** Reactor Netty's own loop threads, on Echo's transport. */
        REACTOR_NETTY

    }
}
