package dev.echo.runtime.chan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Channel#close(Throwable)} and {@link Channel#invokeOnClose}: what the reactive bridge needs. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChannelCloseCauseTest {

    private final IllegalStateException upstream = new IllegalStateException("upstream failed");

    @Test
    void receiversDrainThenGetTheCauseInTheClosedException() {
        Channel<String> ch = Channel.buffered(4);
        ch.send("a");
        ch.close(upstream);
        assertThat(ch.receive()).isEqualTo("a");
        assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasCause(upstream)
                .hasMessageContaining("upstream failed");
        assertThat(ch.tryReceive()).isInstanceOf(Received.Closed.class);
        assertThat(ch.closeCause()).isSameAs(upstream);
    }

    @Test
    void parkedReceiverIsWokenWithTheCause() throws Exception {
        Channel<String> ch = Channel.unbuffered();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread receiver = Thread.ofVirtual().start(() -> {
            try {
                ch.receive();
            } catch (ChannelClosedException e) {
                seen.set(e.getCause());
            }
        });
        while (ch.waitingReceivers() == 0) {
            Thread.onSpinWait();
        }
        ch.close(upstream);
        receiver.join();
        assertThat(seen.get()).isSameAs(upstream);
    }

    @Test
    void sendsAndSelectCasesCarryTheCause() {
        Channel<String> ch = Channel.buffered(1);
        ch.close(upstream);
        assertThatThrownBy(() -> ch.send("x")).isInstanceOf(ChannelClosedException.class).hasCause(upstream);
        assertThatThrownBy(() -> Select.<String>create().onReceive(ch, v -> v).run())
                .isInstanceOf(ChannelClosedException.class).hasCause(upstream);
    }

    @Test
    void iterationRethrowsTheCauseOnceDrained() {
        Channel<Integer> ch = Channel.buffered(2);
        ch.send(1);
        ch.close(upstream);
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> ch.forEach(seen::add)).isInstanceOf(ChannelClosedException.class).hasCause(upstream);
        assertThat(seen).containsExactly(1);
    }

    @Test
    void normalCloseHasNoCause() {
        Channel<Integer> ch = Channel.buffered(1);
        ch.close();
        assertThat(ch.closeCause()).isNull();
        assertThatThrownBy(ch::receive).isInstanceOf(ChannelClosedException.class).hasNoCause();
    }

    @Test
    void closeHandlersRunOnceWithTheCauseAndAtOnceWhenAlreadyClosed() {
        Channel<Integer> ch = Channel.buffered(1);
        List<Object> calls = new CopyOnWriteArrayList<>();
        ch.invokeOnClose(cause -> calls.add("first:" + cause));
        ch.invokeOnClose(cause -> {
            throw new IllegalArgumentException("a bad handler is logged, not rethrown");
        });
        ch.invokeOnClose(cause -> calls.add("second:" + cause));
        ch.close(upstream);
        ch.invokeOnClose(cause -> calls.add("late:" + cause));
        assertThat(calls).containsExactly("first:" + upstream, "second:" + upstream, "late:" + upstream);
    }

    @Test
    void badArgumentsAndDoubleCloseAreRejected() {
        Channel<Integer> ch = Channel.buffered(1);
        assertThatNullPointerException().isThrownBy(() -> ch.close(null)).withMessage("cause");
        assertThatNullPointerException().isThrownBy(() -> ch.invokeOnClose(null)).withMessage("handler");
        ch.close(upstream);
        assertThatIllegalStateException().isThrownBy(ch::close);
        assertThatIllegalStateException().isThrownBy(() -> ch.close(upstream));
    }
}
