package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echo.runtime.chan.Channel;
import dev.echo.runtime.chan.Select;
import dev.echo.runtime.chan.Ticker;
import dev.echo.runtime.sync.Lazy;
import dev.echo.runtime.sync.Mutex;
import dev.echo.runtime.sync.RWMutex;
import dev.echo.runtime.sync.Semaphore;
import dev.echo.runtime.sync.WaitGroup;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of docs/concurrency.md, compiled and run. Each method's body between the
 * "// guide:" markers is quoted in the guide; change both together.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrencyGuideTest {

    private static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();

    private static <T> T inRuntime(java.util.concurrent.Callable<T> main) {
        try (EchoRuntime runtime = Tests.runtime(2, "guide")) {
            return runtime.block(main);
        }
    }

    private static String fetch(String what) {
        Echo.sleep(Duration.ofMillis(5));
        return what + "!";
    }

    @Test
    void failFastFanOut() {
        String page = inRuntime(() -> {
            // guide: fail-fast
            try (var scope = TaskScope.failFast()) {
                Task<String> user = scope.fork(() -> fetch("user"));
                Task<String> orders = scope.fork(() -> fetch("orders"));
                scope.join(); // rethrows the first failure; the siblings are cancelled
                return user.join() + " " + orders.join();
            }
            // guide: end
        });
        assertThat(page).isEqualTo("user! orders!");
    }

    @Test
    void firstSuccess() {
        String answer = inRuntime(() -> {
            // guide: first-success
            try (var scope = TaskScope.<String>firstSuccess()) {
                scope.fork(() -> fetch("primary"));
                scope.fork(() -> fetch("mirror"));
                return scope.join(); // the first value; the loser is cancelled
            }
            // guide: end
        });
        assertThat(answer).endsWith("!");
    }

    @Test
    void withTimeout() {
        String result = inRuntime(() -> {
            // guide: withTimeout
            Channel<String> replies = Channel.unbuffered();
            try {
                return Echo.withTimeout(Duration.ofMillis(50), replies::receive);
            } catch (DeadlineExceededException e) {
                return "no reply in time";
            }
            // guide: end
        });
        assertThat(result).isEqualTo("no reply in time");
    }

    @Test
    void scopeWithADeadlineAndScopedValues() {
        String seen = inRuntime(() -> ScopedValue.where(REQUEST_ID, "req-7").call(() -> {
            // guide: scope deadline + ScopedValue
            try (var scope = TaskScope.failFast().deadline(Duration.ofSeconds(2))) {
                Task<String> child = scope.fork(() -> REQUEST_ID.get()); // "req-7"
                scope.join();
                return child.join();
            }
            // guide: end
        }));
        assertThat(seen).isEqualTo("req-7");
    }

    @Test
    void locksAndGroups() {
        int total = inRuntime(() -> {
            // guide: sync
            Mutex mutex = new Mutex("counter");
            Semaphore slots = new Semaphore(4);
            WaitGroup group = new WaitGroup();
            int[] counter = {0};
            for (int i = 0; i < 100; i++) {
                group.add(1);
                Echo.spawn(() -> {
                    try {
                        slots.acquire();
                        try {
                            mutex.lock();
                            try {
                                counter[0]++;
                            } finally {
                                mutex.unlock();
                            }
                        } finally {
                            slots.release();
                        }
                    } finally {
                        group.done();
                    }
                });
            }
            group.await();
            // guide: end
            RWMutex table = new RWMutex("table");
            table.readLock();
            table.readUnlock();
            Lazy<Integer> config = Lazy.of(() -> counter[0]);
            return config.get();
        });
        assertThat(total).isEqualTo(100);
    }

    @Test
    void selectOverAChannelATaskAndATimer() {
        String winner = inRuntime(() -> {
            // guide: select
            Channel<String> messages = Channel.unbuffered();
            Task<String> work = Echo.spawn(() -> fetch("work"));
            return Select.<String>create()
                    .onReceive(messages, m -> "message " + m)
                    .onAwait(work.future(), v -> "task " + v)
                    .onReceive(Ticker.after(Duration.ofSeconds(5)), t -> "timed out")
                    .run();
            // guide: end
        });
        assertThat(winner).isEqualTo("task work!");
    }

    @Test
    void tickerLoop() {
        int beats = inRuntime(() -> {
            // guide: ticker
            int n = 0;
            try (Ticker ticker = Ticker.start(Duration.ofMillis(10))) {
                while (n < 3) {
                    ticker.channel().receive(); // a slow receiver misses ticks, never gets a burst
                    n++;
                }
            }
            // guide: end
            return n;
        });
        assertThat(beats).isEqualTo(3);
    }

    @Test
    void futuresAllAndAny() {
        List<String> both = inRuntime(() -> {
            // guide: all/any
            EchoFuture<String> a = Echo.spawn(() -> fetch("a")).future();
            EchoFuture<String> b = Echo.spawn(() -> fetch("b")).future();
            return EchoFuture.all(List.of(a, b)).await(); // fails fast, cancels the rest
            // guide: end
        });
        assertThat(both).containsExactly("a!", "b!");
    }
}
