package dev.echo.bench;

/**
 * A system the suite measures. The {@link #id()} is the {@code <system>} field of the output
 * contract ({@code BENCH <workload> <system> <value> <unit>}); declaration order is the order in
 * which one round alternates between systems.
 */
enum Contender {
    /** Echo tasks on an {@code EchoRuntime} with one processor per CPU. */
    ECHO("echo"),
    /** Plain JDK virtual threads on the JDK's default scheduler, JDK blocking queues as channels. */
    VT("vt"),
    /** kotlinx.coroutines on {@code Dispatchers.Default}, kotlinx {@code Channel}s. */
    KOTLINX("kotlinx"),
    /** A plain Netty server (tcpecho only), on the epoll transport Echo's own I/O uses. */
    NETTY("netty"),
    /** Reactor's {@code Schedulers.boundedElastic()}: platform threads, 10 per CPU, then a queue. */
    BOUNDED_ELASTIC("bounded-elastic"),
    /**
     * Reactor's bounded elastic on virtual threads: the scheduler that
     * {@code -Dreactor.schedulers.defaultBoundedElasticOnVirtualThreads=true} makes
     * {@code boundedElastic()} return (thread per task, the same caps).
     */
    BOUNDED_ELASTIC_VT("bounded-elastic-vt"),
    /** Reactor's {@code publishOn(Schedulers.parallel())} hand-off between two parallel workers. */
    PUBLISH_ON_PARALLEL("publishon-parallel");

    private final String id;

    Contender(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    static Contender byId(String id) {
        for (Contender contender : values()) {
            if (contender.id.equals(id)) {
                return contender;
            }
        }
        throw new IllegalArgumentException("unknown system '" + id + "'");
    }
}
