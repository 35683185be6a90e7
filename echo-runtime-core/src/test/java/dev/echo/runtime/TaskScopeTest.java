package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.echo.runtime.chan.Channel;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TaskScope: no child outlives its scope, the three policies, failures never lost, context that flows. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskScopeTest {

    private static long live(EchoRuntime runtime) {
        return runtime.stats().tasksLive();
    }

    private static void waitForever() {
        new Promise<Void>().future().await();
    }

    @Test
    void scopeLeavesNoChildRunningAfterSuccess() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopeok")) {
            runtime.block(() -> {
                long before = live(runtime);
                List<Task<Integer>> children = new ArrayList<>();
                try (var scope = TaskScope.failFast()) {
                    for (int i = 0; i < 20; i++) {
                        int n = i;
                        children.add(scope.fork(() -> {
                            Echo.sleep(Duration.ofMillis(n % 3));
                            return n * n;
                        }));
                    }
                    assertThat(scope.join()).isNull();
                }
                assertThat(live(runtime)).as("live tasks after the scope").isEqualTo(before);
                assertThat(children).allSatisfy(c -> assertThat(c.status()).isEqualTo(TaskStatus.COMPLETED));
                assertThat(children.get(7).join()).isEqualTo(49);
                return null;
            });
        }
    }

    @Test
    void scopeLeavesNoChildRunningAfterFailure() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopefail")) {
            runtime.block(() -> {
                long before = live(runtime);
                List<Task<Object>> waiting = new ArrayList<>();
                IllegalStateException boom = new IllegalStateException("boom");
                try (var scope = TaskScope.failFast()) {
                    for (int i = 0; i < 5; i++) {
                        waiting.add(scope.fork(() -> {
                            waitForever();
                            return null;
                        }));
                    }
                    Task<Object> failing = scope.fork(() -> {
                        throw boom;
                    });
                    assertThatThrownBy(scope::join).isSameAs(boom);
                    assertThat(failing.status()).as("the failing child keeps its own outcome").isEqualTo(TaskStatus.FAILED);
                }
                assertThat(live(runtime)).isEqualTo(before);
                assertThat(waiting).allSatisfy(c -> assertThat(c.status()).isEqualTo(TaskStatus.CANCELLED));
                return null;
            });
        }
    }

    @Test
    void cancellingTheOwnerCancelsTheScopesChildrenAndLeavesNoneRunning() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopeowner")) {
            runtime.block(() -> {
                long before = live(runtime);
                List<Task<Object>> children = new java.util.concurrent.CopyOnWriteArrayList<>();
                AtomicReference<Throwable> ownerSaw = new AtomicReference<>();
                Task<Object> owner = Echo.spawn(() -> {
                    try (var scope = TaskScope.collectAll()) {
                        for (int i = 0; i < 5; i++) {
                            children.add(scope.fork(() -> {
                                Channel.<String>unbuffered().receive();
                                return null;
                            }));
                        }
                        scope.join();
                    } catch (Throwable t) {
                        ownerSaw.set(t);
                        throw t;
                    }
                    return null;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> children.size() == 5
                        && children.stream().allMatch(c -> c.status() == TaskStatus.WAITING));
                owner.cancel();
                // Rule 3: the children are cancelled by cancel() itself, not only when the owner reaches close().
                assertThat(children).allSatisfy(c -> assertThat(c.isCancelled()).isTrue());
                assertThatThrownBy(owner::join).isInstanceOf(CancellationException.class);
                assertThat(ownerSaw.get()).isInstanceOf(CancellationException.class);
                assertThat(children).allSatisfy(c -> assertThat(c.status()).isEqualTo(TaskStatus.CANCELLED));
                assertThat(live(runtime)).isEqualTo(before);
                return null;
            });
        }
    }

    @Test
    void failFastCancelsSiblingsWithinOneSchedulingRound() {
        // One processor: the order of turns is deterministic. The sibling counts its turns;
        // after the failure it may finish the turn it is in, and get no further one.
        try (EchoRuntime runtime = Tests.runtime(1, "scopefast")) {
            runtime.block(() -> {
                AtomicInteger siblingTurns = new AtomicInteger();
                AtomicInteger turnsAtFailure = new AtomicInteger();
                Task<Object> sibling;
                try (var scope = TaskScope.failFast()) {
                    sibling = scope.fork(() -> {
                        while (true) {
                            siblingTurns.incrementAndGet();
                            Echo.yieldNow();
                        }
                    });
                    scope.fork(() -> {
                        for (int i = 0; i < 5; i++) {
                            Echo.yieldNow();
                        }
                        turnsAtFailure.set(siblingTurns.get());
                        throw new IOException("replica down");
                    });
                    assertThatThrownBy(scope::join).isInstanceOf(CompletionException.class)
                            .hasCauseInstanceOf(IOException.class);
                }
                assertThat(sibling.status()).isEqualTo(TaskStatus.CANCELLED);
                assertThat(turnsAtFailure.get()).as("the sibling ran alongside").isGreaterThanOrEqualTo(4);
                assertThat(siblingTurns.get() - turnsAtFailure.get()).as("sibling turns after the failure").isLessThanOrEqualTo(1);
                return null;
            });
        }
    }

    @Test
    void collectAllRunsEveryChildToItsEndAndRethrowsTheFirstFailureWithTheOthersSuppressed() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopeall")) {
            runtime.block(() -> {
                Task<String> slow;
                try (var scope = TaskScope.collectAll()) {
                    scope.fork(() -> {
                        throw new IllegalArgumentException("first");
                    });
                    slow = scope.fork(() -> {
                        Echo.sleep(Duration.ofMillis(50));
                        return "finished";
                    });
                    scope.fork(() -> {
                        Echo.sleep(Duration.ofMillis(20));
                        throw new IllegalStateException("second");
                    });
                    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(scope::join);
                    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("first");
                    assertThat(thrown.getSuppressed()).hasSize(1);
                    assertThat(thrown.getSuppressed()[0]).hasMessage("second");
                }
                assertThat(slow.join()).as("not cancelled by the failure").isEqualTo("finished");
                return null;
            });
        }
    }

    @Test
    void firstSuccessReturnsTheWinnerAndCancelsTheLosers() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopefirst")) {
            runtime.block(() -> {
                long before = live(runtime);
                Task<String> loser;
                Task<String> winner;
                try (var scope = TaskScope.<String>firstSuccess()) {
                    scope.fork(() -> {
                        throw new IOException("primary down");
                    });
                    loser = scope.fork(() -> {
                        waitForever();
                        return "never";
                    });
                    winner = scope.fork(() -> {
                        Echo.sleep(Duration.ofMillis(10));
                        return "mirror";
                    });
                    assertThat(scope.join()).isEqualTo("mirror");
                }
                assertThat(loser.status()).isEqualTo(TaskStatus.CANCELLED);
                assertThat(winner.status()).as("the winner keeps its own outcome").isEqualTo(TaskStatus.COMPLETED);
                assertThat(live(runtime)).isEqualTo(before);
                return null;
            });
        }
    }

    @Test
    void firstSuccessRethrowsTheFirstFailureWhenEveryChildFails() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopefirstfail")) {
            runtime.block(() -> {
                try (var scope = TaskScope.<String>firstSuccess()) {
                    scope.fork(() -> {
                        throw new IllegalStateException("a");
                    });
                    scope.fork(() -> {
                        Echo.sleep(Duration.ofMillis(10));
                        throw new IllegalStateException("b");
                    });
                    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(scope::join);
                    assertThat(thrown).hasMessage("a");
                    assertThat(thrown.getSuppressed()).extracting(Throwable::getMessage).containsExactly("b");
                }
                try (var empty = TaskScope.<String>firstSuccess()) {
                    assertThatThrownBy(empty::join).isInstanceOf(NoSuchElementException.class);
                }
                return null;
            });
        }
    }

    @Test
    void aChildFailureIsNeverLostWhenTheScopeClosesWithoutJoin() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopenojoin")) {
            runtime.block(() -> {
                IllegalStateException boom = new IllegalStateException("unjoined");
                assertThatThrownBy(() -> {
                    try (var scope = TaskScope.failFast()) {
                        scope.fork(() -> {
                            throw boom;
                        });
                        Echo.sleep(Duration.ofMillis(20));
                    }
                }).isSameAs(boom);
                return null;
            });
        }
    }

    @Test
    void onlyTheOwnerMayForkJoinOrClose() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopeowneronly")) {
            runtime.block(() -> {
                try (var scope = TaskScope.failFast()) {
                    Task<Throwable> stranger = Echo.spawn(() -> {
                        try {
                            scope.fork(() -> 1);
                            return null;
                        } catch (Throwable t) {
                            return t;
                        }
                    });
                    assertThat(stranger.join()).isInstanceOf(WrongThreadException.class);
                    scope.join();
                    assertThatThrownBy(() -> scope.fork(() -> 2)).isInstanceOf(IllegalStateException.class);
                }
                return null;
            });
            assertThatThrownBy(TaskScope::failFast).as("outside a task").isInstanceOf(IllegalStateException.class);
        }
    }

    private static final ScopedValue<String> USER = ScopedValue.newInstance();

    @Test
    void scopedValueBindingsAreVisibleInForksAndTheirForks() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopesv")) {
            runtime.block(() -> ScopedValue.where(USER, "alice").call(() -> {
                try (var scope = TaskScope.failFast()) {
                    Task<String> child = scope.fork(() -> USER.get());
                    Task<String> grandchild = scope.fork(() -> {
                        try (var inner = TaskScope.<String>firstSuccess()) {
                            inner.fork(() -> USER.orElse("unbound"));
                            return inner.join();
                        }
                    });
                    Task<String> rebound = ScopedValue.where(USER, "bob").call(() -> scope.fork(() -> USER.get()));
                    scope.join();
                    assertThat(child.join()).isEqualTo("alice");
                    assertThat(grandchild.join()).isEqualTo("alice");
                    assertThat(rebound.join()).as("the bindings where fork was called").isEqualTo("bob");
                }
                assertThat(Echo.spawn(() -> USER.isBound()).join()).as("a plain spawn inherits nothing").isFalse();
                return null;
            }));
        }
    }

    @Test
    void describeShowsTheTasksNameScopeAndWhatItWaitsOn() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopedescribe")) {
            runtime.block(() -> {
                Channel<String> requests = Channel.unbuffered();
                try (var scope = TaskScope.failFast()) {
                    Task<String> child = scope.fork("fetch", requests::receive);
                    await().atMost(Duration.ofSeconds(10)).until(() -> child.status() == TaskStatus.WAITING);
                    assertThat(child.describe())
                            .contains(child.toString(), "(fetch)", "WAITING", "TaskScope[fail-fast, owner Task#", "(main)")
                            .contains("on receive");
                    requests.send("go");
                    scope.join();
                    assertThat(child.describe()).contains("COMPLETED");
                }
                return null;
            });
        }
    }

    @Test
    void nestedScopesCloseInOrderAndCancellationReachesTheInnerScopesChildren() {
        try (EchoRuntime runtime = Tests.runtime(2, "scopenest")) {
            runtime.block(() -> {
                AtomicReference<Task<Object>> deep = new AtomicReference<>();
                Task<Object> owner = Echo.spawn(() -> {
                    try (var outer = TaskScope.failFast()) {
                        outer.fork(() -> {
                            waitForever();
                            return null;
                        });
                        try (var inner = TaskScope.failFast()) {
                            deep.set(inner.fork(() -> {
                                waitForever();
                                return null;
                            }));
                            assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class);
                            inner.join();
                        }
                        outer.join();
                    }
                    return null;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> deep.get() != null && deep.get().status() == TaskStatus.WAITING);
                owner.cancel();
                assertThatThrownBy(owner::join).isInstanceOf(CancellationException.class);
                assertThat(deep.get().status()).isEqualTo(TaskStatus.CANCELLED);
                return null;
            });
        }
    }
}
