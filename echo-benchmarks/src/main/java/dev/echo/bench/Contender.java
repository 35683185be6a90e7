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
    /**
     * The limit, not a peer: JDK virtual threads on a bare one-carrier scheduler (one platform
     * thread, a plain queue, {@code LockSupport.park} when it is empty; {@link Floor}), with
     * {@link Floor.Rendezvous} as the unbuffered channel. No Echo code on its path.
     */
    FLOOR("floor"),
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
    PUBLISH_ON_PARALLEL("publishon-parallel"),
    /**
     * The HTTP workloads' Echo application with its HTTP server on Reactor Netty's own loop
     * threads ({@code echo.web.loops=reactor-netty}); {@link #ECHO} there is {@code echo.web.loops=echo}.
     */
    ECHO_RN_LOOPS("echo-rn-loops"),
    /** Plain WebFlux on Reactor Netty, reactive handlers ({@code Mono.delay}, {@code WebClient}). */
    WEBFLUX("webflux"),
    /** Spring MVC on Tomcat with {@code spring.threads.virtual.enabled=true}, blocking handlers. */
    MVC_VT("mvc-vt"),
    /** WebFlux with the blocking handler moved to {@code Schedulers.boundedElastic()} by {@code subscribeOn}. */
    WEBFLUX_ELASTIC("webflux-elastic");

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
