package dev.echo.runtime.examples;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Select;

import java.time.Duration;

/**
 * The original design's "select example": one task waits on several channels at once, with a
 * default case (never wait) and a timeout case (wait at most so long).
 */
public final class SelectExample {

    public static void main(String[] args) {
        try (EchoRuntime runtime = EchoRuntime.builder().processors(2).name("select").build()) {
            runtime.block(() -> {
                defaultCase();
                multiplex();
                timeoutCase();
                return null;
            });
        }
    }

    /** With a default case, select never waits: nothing is ready yet, so the default runs. */
    private static void defaultCase() {
        Channel<String> messages = Channel.unbuffered();
        String outcome = Select.<String>create()
                .onReceive(messages, m -> "received " + m)
                .onDefault(() -> "no message ready, default case ran")
                .run();
        System.out.println("select: " + outcome);
    }

    /** Two producers at different speeds and a quit signal; select takes whichever is ready. */
    private static void multiplex() {
        Channel<String> fast = Channel.unbuffered();
        Channel<String> slow = Channel.unbuffered();
        Channel<Boolean> quit = Channel.unbuffered();
        Echo.spawn(() -> {
            for (int i = 1; i <= 4; i++) {
                Echo.sleep(Duration.ofMillis(10));
                fast.send("fast #" + i);
            }
        });
        Echo.spawn(() -> {
            for (int i = 1; i <= 2; i++) {
                Echo.sleep(Duration.ofMillis(25));
                slow.send("slow #" + i);
            }
            Echo.sleep(Duration.ofMillis(30));
            quit.close();
        });
        Select<Boolean> select = Select.<Boolean>create()
                .onReceive(fast, m -> print(m))
                .onReceive(slow, m -> print(m))
                .onReceiveOrClosed(quit, r -> false);
        int received = 0;
        while (select.run()) {
            received++;
        }
        System.out.println("select: quit closed after " + received + " messages");
    }

    /** With a timeout case, select gives up if no case completes in time; nothing is consumed. */
    private static void timeoutCase() {
        Channel<String> late = Channel.buffered(1);
        Echo.spawn(() -> {
            Echo.sleep(Duration.ofMillis(200));
            late.send("too late");
        });
        long start = System.nanoTime();
        String outcome = Select.<String>create()
                .onReceive(late, m -> "received " + m)
                .onTimeout(Duration.ofMillis(50), () -> "timed out")
                .run();
        System.out.printf("select: %s after ~%d ms; the late message stays for the next receive: '%s'%n",
                outcome, (System.nanoTime() - start) / 1_000_000, late.receive());
    }

    private static boolean print(String message) {
        System.out.println("select: received " + message);
        return true;
    }
}
