package dev.echo.runtime.chan;

import static dev.echo.runtime.chan.TestThreads.eventually;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.echo.runtime.spi.WaitTarget;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SelectTest {

    @Test
    void selectReceivesFromTheChannelThatIsReady() {
        Channel<String> quiet = Channel.unbuffered();
        Channel<String> ready = Channel.buffered(1);
        ready.send("hi");

        String outcome = Select.<String>create()
                .onReceive(quiet, v -> "quiet " + v)
                .onReceive(ready, v -> "ready " + v)
                .run();

        assertThat(outcome).isEqualTo("ready hi");
        assertThat(quiet.waitingReceivers()).isZero();
    }

    @Test
    void defaultRunsAtOnceWhenNoCaseIsReady() {
        Channel<String> quiet = Channel.unbuffered();

        String outcome = Select.<String>create()
                .onReceive(quiet, v -> "received")
                .onSend(quiet, "x", () -> "sent")
                .onDefault(() -> "default")
                .run();

        assertThat(outcome).isEqualTo("default");
        assertThat(quiet.waitingReceivers() + quiet.waitingSenders()).as("a default select never registers").isZero();
    }

    @Test
    void defaultDoesNotRunWhenACaseIsReady() {
        Channel<String> ready = Channel.buffered(1);
        ready.send("hi");

        assertThat(Select.<String>create().onReceive(ready, v -> v).onDefault(() -> "default").run()).isEqualTo("hi");
    }

    @Test
    void timeoutFiresWhenNoCaseCompletesInTime() {
        Channel<String> quiet = Channel.unbuffered();
        long start = System.nanoTime();

        String outcome = Select.<String>create()
                .onReceive(quiet, v -> "received")
                .onTimeout(Duration.ofMillis(30), () -> "timeout")
                .run();

        assertThat(outcome).isEqualTo("timeout");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(30).toNanos());
        assertThat(quiet.waitingReceivers()).isZero();
    }

    @Test
    void timeoutDoesNotFireWhenACaseCompletesFirst() throws Exception {
        Channel<String> ch = Channel.unbuffered();
        var select = TestThreads.virtual(() -> Select.<String>create()
                .onReceive(ch, v -> "received " + v)
                .onTimeout(Duration.ofSeconds(5), () -> "timeout")
                .run());
        eventually(() -> ch.waitingReceivers() == 1);

        ch.send("hi");

        assertThat(select.outcome().get(5, SECONDS)).isEqualTo("received hi");
    }

    @Test
    void losingReceiveCaseConsumesNothing() {
        for (int round = 0; round < 100; round++) {
            Channel<Integer> a = Channel.buffered(1);
            Channel<Integer> b = Channel.buffered(1);
            a.send(1);
            b.send(2);

            int got = Select.<Integer>create().onReceive(a, v -> v).onReceive(b, v -> v).run();

            Channel<Integer> loser = got == 1 ? b : a;
            assertThat(loser.size()).as("round %d: the losing channel keeps its value", round).isEqualTo(1);
        }
    }

    @Test
    void losingSendCaseSendsNothing() {
        for (int round = 0; round < 100; round++) {
            Channel<Integer> a = Channel.buffered(1);
            Channel<Integer> b = Channel.buffered(1);

            String sentTo = Select.<String>create().onSend(a, 1, () -> "a").onSend(b, 2, () -> "b").run();

            assertThat(a.size() + b.size()).as("round %d: exactly one value was sent", round).isEqualTo(1);
            assertThat(sentTo.equals("a") ? a.size() : b.size()).isEqualTo(1);
        }
    }

    @Test
    void parkedSelectSendsOnlyOnTheWinningCase() throws Exception {
        Channel<Integer> x = Channel.unbuffered();
        Channel<Integer> y = Channel.unbuffered();
        var select = TestThreads.virtual(() -> Select.<String>create()
                .onSend(x, 1, () -> "x")
                .onSend(y, 2, () -> "y")
                .run());
        eventually(() -> x.waitingSenders() == 1 && y.waitingSenders() == 1);

        assertThat(y.receive()).isEqualTo(2);

        assertThat(select.outcome().get(5, SECONDS)).isEqualTo("y");
        assertThat(x.waitingSenders()).as("the losing registration was removed").isZero();
        assertThat(x.tryReceive()).isInstanceOf(Received.Empty.class);
    }

    @Test
    void receiveOrClosedCaseDrainsThenFiresWithTheClose() {
        Channel<Integer> ch = Channel.buffered(2);
        ch.send(7);
        ch.close();
        Select<Received<Integer>> select = Select.<Received<Integer>>create().onReceiveOrClosed(ch, r -> r);

        assertThat(select.run()).isEqualTo(new Received.Value<>(7));
        assertThat(select.run()).as("Go's v, ok := <-ch with ok == false").isInstanceOf(Received.Closed.class);
    }

    @Test
    void receiveCaseOnClosedChannelThrowsAndNamesTheAlternative() {
        Channel<Integer> ch = Channel.unbuffered();
        ch.close();

        assertThatThrownBy(() -> Select.<Integer>create().onReceive(ch, v -> v).run())
                .isInstanceOf(ChannelClosedException.class).hasMessageContaining("onReceiveOrClosed");
    }

    @Test
    void sendCaseOnClosedChannelThrowsEvenWithADefault() {
        Channel<Integer> ch = Channel.buffered(1);
        ch.close();

        assertThatThrownBy(() -> Select.<String>create().onSend(ch, 1, () -> "sent").onDefault(() -> "default").run())
                .isInstanceOf(ChannelClosedException.class).hasMessageContaining("send on closed channel");
    }

    @Test
    void closeWakesParkedSelectWithTheClosedIndication() throws Exception {
        Channel<Integer> closing = Channel.unbuffered();
        Channel<Integer> quiet = Channel.unbuffered();
        var select = TestThreads.virtual(() -> Select.<String>create()
                .onReceiveOrClosed(closing, r -> r.isClosed() ? "closed" : "value")
                .onReceive(quiet, v -> "quiet")
                .run());
        eventually(() -> closing.waitingReceivers() == 1);

        closing.close();

        assertThat(select.outcome().get(5, SECONDS)).isEqualTo("closed");
        assertThat(quiet.waitingReceivers()).isZero();
    }

    /**
     * Go's rule: among ready cases, each is chosen with equal probability. Four always-ready
     * cases and one never-ready case; 40,000 selects; Pearson's chi-square over the four ready
     * cases must stay below 30.7, the 1e-6 critical value for 3 degrees of freedom (a select
     * that favoured one case by even 5% would score about 100).
     */
    @Test
    void selectChoosesUniformlyAmongReadyCases() {
        List<Channel<Integer>> ready = List.of(Channel.buffered(1), Channel.buffered(1),
                Channel.buffered(1), Channel.buffered(1));
        Channel<Integer> neverReady = Channel.unbuffered();
        Select<Integer> select = Select.<Integer>create().onReceive(neverReady, v -> -1);
        for (int i = 0; i < ready.size(); i++) {
            int index = i;
            ready.get(i).send(i);
            select.onReceive(ready.get(i), v -> index);
        }
        int rounds = 40_000;
        long[] wins = new long[ready.size()];

        for (int round = 0; round < rounds; round++) {
            int winner = select.run();
            wins[winner]++;
            ready.get(winner).send(winner);
        }

        double expected = (double) rounds / ready.size();
        double chiSquare = 0;
        for (long observed : wins) {
            chiSquare += (observed - expected) * (observed - expected) / expected;
        }
        assertThat(chiSquare).as("chi-square of %s", java.util.Arrays.toString(wins)).isLessThan(30.7);
    }

    @Test
    void cancellingATaskParkedInSelectRemovesEveryRegistration() throws Exception {
        Channel<Integer> a = Channel.unbuffered();
        Channel<Integer> b = Channel.buffered(1);
        Channel<Integer> c = Channel.unbuffered();
        var select = TestThreads.virtual(() -> Select.<String>create()
                .onReceive(a, v -> "a")
                .onReceiveOrClosed(b, r -> "b")
                .onSend(c, 3, () -> "c")
                .run());
        eventually(() -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1 && c.waitingSenders() == 1);

        select.thread().interrupt();

        assertThatThrownBy(() -> select.outcome().get(5, SECONDS)).cause().isInstanceOf(CancellationException.class);
        assertThat(List.of(a.waitingReceivers(), a.waitingSenders(), b.waitingReceivers(), b.waitingSenders(),
                c.waitingReceivers(), c.waitingSenders())).containsOnly(0);
        assertThat(c.tryReceive()).as("the cancelled send case sent nothing").isInstanceOf(Received.Empty.class);
        assertThat(b.trySend(1)).isTrue();
        assertThat(b.size()).as("the cancelled receive case takes nothing").isEqualTo(1);
    }

    @Test
    void plainThreadCanWaitInSelect() throws Exception {
        Channel<Integer> ch = Channel.unbuffered();
        var select = TestThreads.platform(() -> Select.<Integer>create().onReceive(ch, v -> v * 2).run());
        eventually(() -> ch.waitingReceivers() == 1);

        TestThreads.virtual(() -> {
            ch.send(21);
            return null;
        });

        assertThat(select.outcome().get(5, SECONDS)).isEqualTo(42);
        assertThat(ch.wakeableFromOutside()).isTrue();
    }

    @Test
    void twoSelectsMeetOnAnUnbufferedChannel() throws Exception {
        Channel<Integer> x = Channel.unbuffered();
        Channel<Integer> y = Channel.unbuffered();
        var receiver = TestThreads.virtual(() -> Select.<String>create()
                .onReceive(x, v -> "x" + v).onReceive(y, v -> "y" + v).run());
        var sender = TestThreads.virtual(() -> Select.<String>create()
                .onSend(x, 1, () -> "x1").onSend(y, 2, () -> "y2").run());

        assertThat(receiver.outcome().get(5, SECONDS)).isEqualTo(sender.outcome().get(5, SECONDS));
        assertThat(x.waitingReceivers() + x.waitingSenders() + y.waitingReceivers() + y.waitingSenders()).isZero();
    }

    @Test
    void selectNeverCompletesWithItself() {
        Channel<Integer> ch = Channel.unbuffered();

        String outcome = Select.<String>create()
                .onSend(ch, 1, () -> "sent")
                .onReceive(ch, v -> "received")
                .onTimeout(Duration.ofMillis(20), () -> "timeout")
                .run();

        assertThat(outcome).isEqualTo("timeout");
    }

    @Test
    void selectLoopWithTimeoutsOnAQuietChannelLeavesNoRegistrations() {
        Channel<Integer> quiet = Channel.unbuffered();
        Select<String> select = Select.<String>create()
                .onReceive(quiet, v -> "received")
                .onTimeout(Duration.ofNanos(1), () -> "timeout");

        for (int i = 0; i < 1_000; i++) {
            assertThat(select.run()).isEqualTo("timeout");
        }

        assertThat(quiet.waitingReceivers()).isZero();
    }

    @Test
    void handlerOutcomeAndFailureReachTheCaller() {
        Channel<Integer> ch = Channel.buffered(1);
        ch.send(1);

        assertThatThrownBy(() -> Select.<String>create().onReceive(ch, v -> {
            throw new IllegalArgumentException("handler saw " + v);
        }).run()).isInstanceOf(IllegalArgumentException.class).hasMessage("handler saw 1");
        assertThat(ch.size()).as("the case completed before its handler ran").isZero();
    }

    @Test
    void parkedSelectTellsTheRuntimeWhatItWaitsOn() {
        Channel<Integer> a = Channel.unbuffered();
        Channel<Integer> b = Channel.unbuffered();
        var select = TestThreads.virtual(() -> Select.<Integer>create().onReceive(a, v -> v).onSend(b, 1, () -> 0).run());
        eventually(() -> a.waitingReceivers() == 1);

        Object blocker = LockSupport.getBlocker(select.thread());

        assertThat(blocker).isInstanceOf(WaitTarget.class);
        assertThat(((WaitTarget) blocker).describeWait()).startsWith("select on receive from Channel#")
                .contains("send to Channel#");
        a.send(1);
    }

    @Test
    void badSelectsAreRejectedWithTheProblemNamed() {
        Channel<Integer> ch = Channel.unbuffered();

        assertThatThrownBy(() -> Select.create().onReceive(null, v -> v))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> Select.create().onReceive(ch, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("handler");
        assertThatThrownBy(() -> Select.create().onSend(ch, null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> Select.create().onTimeout(null, () -> 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Select.create().onTimeout(Duration.ofSeconds(1), () -> 1)
                .onTimeout(Duration.ofSeconds(2), () -> 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a timeout");
        assertThatThrownBy(() -> Select.create().onDefault(() -> 1).onDefault(() -> 2))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a default");
    }

    // ## Go's select without channel cases ##

    @Test
    void aSelectWithOnlyADefaultRunsTheDefault() {
        assertThat(Select.<Integer>create().onDefault(() -> 1).run()).isEqualTo(1);
    }

    @Test
    void aSelectWithOnlyATimeoutWaitsItOutThenRunsTheTimeoutHandler() {
        long start = System.nanoTime();
        assertThat(Select.<String>create().onTimeout(Duration.ofMillis(50), () -> "timed out").run()).isEqualTo("timed out");
        assertThat(System.nanoTime() - start).as("waited the timeout out").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aSelectWithNoCaseAtAllWaitsUntilCancelled() throws Exception {
        var started = TestThreads.virtual(() -> Select.create().run());
        Thread.sleep(100);
        assertThat(started.outcome()).as("select {} blocks").isNotDone();
        started.thread().interrupt();
        assertThat(started.thread().join(Duration.ofSeconds(5))).isTrue();
        assertThat(started.outcome()).isCompletedExceptionally();
    }

    /** A Go loop that turns cases off as channels close: at the end only the default is left. */
    @Test
    void aGoLoopDisablingCasesAsChannelsFinishEndsInItsDefault() {
        Channel<Integer> a = Channel.buffered(2);
        Channel<Integer> b = Channel.buffered(2);
        a.trySend(1);
        b.trySend(2);
        a.close();
        b.close();
        boolean aOpen = true;
        boolean bOpen = true;
        int sum = 0;
        while (true) {
            Select<Integer> select = Select.create();
            if (aOpen) {
                select.onReceiveOrClosed(a, r -> r instanceof Received.Value<Integer> v ? v.value() : -1);
            }
            if (bOpen) {
                select.onReceiveOrClosed(b, r -> r instanceof Received.Value<Integer> v ? v.value() : -2);
            }
            int got = select.onDefault(() -> 0).run();
            if (got == -1) {
                aOpen = false;
            } else if (got == -2) {
                bOpen = false;
            } else if (got == 0) {
                break;
            } else {
                sum += got;
            }
        }
        assertThat(sum).isEqualTo(3);
        assertThat(aOpen || bOpen).isFalse();
    }
}
