package dev.echo.spring.web;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.reactive.ChannelFlux;
import dev.echo.runtime.reactive.FutureMono;
import dev.echo.runtime.reactive.PublisherChannel;
import reactor.core.publisher.Mono;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ReactiveTypeDescriptor;

/**
 * Registers Echo's types in a Spring {@link ReactiveAdapterRegistry}, so that WebFlux (and
 * anything else that consults the registry) treats them as reactive: a controller or handler may
 * return them, and WebFlux writes their values when they arrive.
 *
 * <table>
 *   <caption>Registered types</caption>
 *   <tr><th>type</th><th>descriptor</th><th>as a Publisher</th></tr>
 *   <tr><td>{@link EchoFuture}</td><td>single value, not deferred (it runs already)</td>
 *       <td>{@link FutureMono#from(EchoFuture)}: a cancel (the client went away) cancels the future, and so its task</td></tr>
 *   <tr><td>{@link Task}</td><td>single value, not deferred</td><td>{@link FutureMono#from(Task)}: a cancel cancels the task</td></tr>
 *   <tr><td>{@link Channel}</td><td>multi value (so {@code text/event-stream} works)</td>
 *       <td>{@link ChannelFlux#consume}: drained on demand by a task; a cancel closes the channel</td></tr>
 * </table>
 *
 * <p>The other direction (a request body declared as one of these types): a Publisher becomes an
 * {@link EchoFuture} of its first value, or a {@link Channel} fed by {@link PublisherChannel} (the
 * publisher's elements, requested as the handler receives them); it cannot become a Task.
 */
public final class EchoReactiveTypes {

    /**
     * The buffer of a Channel made from a Publisher: none (a rendezvous), so the handler's channel
     * holds nothing it has not received and demand upstream is exactly what it takes, as with an
     * unbuffered Go channel. Not measured against a buffer yet.
     */
    static final int PUBLISHER_CHANNEL_CAPACITY = 0;

    /**
     * Runtimes whose contexts registered the shared instance, oldest first: the shared registry
     * is one per JVM, but contexts (tests, a parent and a child) come and go, each with its own
     * runtime, so a channel is drained by the newest runtime still open.
     */
    private static final List<EchoRuntime> sharedRuntimes = new CopyOnWriteArrayList<>();

    private EchoReactiveTypes() {
    }

    /**
     * Registers Echo's types in {@code registry} (once: a registry that has them is left alone).
     *
     * @param runtime the runtime whose tasks drain a returned {@link Channel}, asked for per channel
     */
    public static void register(ReactiveAdapterRegistry registry, Supplier<EchoRuntime> runtime) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(runtime, "runtime");
        if (isRegistered(registry)) {
            return;
        }
        registry.registerReactiveType(ReactiveTypeDescriptor.nonDeferredAsyncValue(EchoFuture.class, () -> EchoFuture.resolved(null)),
                (source) -> FutureMono.from((EchoFuture<?>) source),
                (publisher) -> EchoFuture.from(Mono.from(publisher).toFuture()));
        registry.registerReactiveType(ReactiveTypeDescriptor.nonDeferredAsyncValue(Task.class, null),
                (source) -> FutureMono.from((Task<?>) source),
                (publisher) -> {
                    throw new IllegalArgumentException("a Publisher cannot become an Echo Task (" + publisher + "); declare EchoFuture<T> instead");
                });
        registry.registerReactiveType(ReactiveTypeDescriptor.multiValue(Channel.class, EchoReactiveTypes::closedChannel),
                (source) -> ChannelFlux.consume(runtime.get(), (Channel<?>) source),
                (publisher) -> PublisherChannel.open(runtime.get(), publisher, PUBLISHER_CHANNEL_CAPACITY));
    }

    /**
     * Registers Echo's types in {@link ReactiveAdapterRegistry#getSharedInstance()}, with
     * {@code runtime} draining channels until it closes (then the next newest open one).
     */
    public static void registerShared(EchoRuntime runtime) {
        Objects.requireNonNull(runtime, "runtime");
        sharedRuntimes.removeIf(EchoRuntime::isClosed);
        sharedRuntimes.add(runtime);
        register(ReactiveAdapterRegistry.getSharedInstance(), EchoReactiveTypes::sharedRuntime);
    }

    /** True if {@code registry} has Echo's adapters (not just one found by assignability). */
    public static boolean isRegistered(ReactiveAdapterRegistry registry) {
        ReactiveAdapter adapter = registry.getAdapter(EchoFuture.class);
        return adapter != null && adapter.getReactiveType() == EchoFuture.class;
    }

    private static EchoRuntime sharedRuntime() {
        if (Echo.inTask()) {
            return Echo.runtime();
        }
        for (int i = sharedRuntimes.size() - 1; i >= 0; i--) {
            EchoRuntime runtime = sharedRuntimes.get(i);
            if (!runtime.isClosed()) {
                return runtime;
            }
        }
        throw new IllegalStateException("no open Echo runtime to drain a Channel with: every runtime registered with the shared ReactiveAdapterRegistry is closed");
    }

    private static Channel<Object> closedChannel() {
        Channel<Object> channel = Channel.unbuffered();
        channel.close();
        return channel;
    }
}
