package dev.echo.spring.task;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.echo.runtime.Echo;
import dev.echo.runtime.EchoFuture;
import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.FutureState;
import dev.echo.runtime.Task;
import dev.echo.runtime.TaskStatus;
import dev.echo.spring.autoconfigure.EchoRuntimeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @EchoTask} through the auto-configuration: one context for every behaviour (it is the
 * same proxy each time), plus one context per start-up failure.
 */
@ExtendWith(OutputCaptureExtension.class)
class EchoTaskTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EchoRuntimeAutoConfiguration.class))
            .withPropertyValues("echo.runtime.processors=2", "echo.runtime.name=tasks");

    @Test
    void runsEachReturnTypeOnAnEchoTaskWithFailuresReachingTheCaller() {
        this.contextRunner.withUserConfiguration(TasksConfiguration.class).run((context) -> {
            Tasks tasks = context.getBean(Tasks.class);
            EchoRuntime runtime = context.getBean(EchoRuntime.class);
            assertThat(AopUtils.isAopProxy(tasks)).isTrue();

            // EchoFuture: runs in a task (named after the method unless named), value of the body's future.
            assertThat(tasks.where().await(Duration.ofSeconds(10))).isEqualTo("in task Tasks.where");
            assertThat(tasks.named().await(Duration.ofSeconds(10))).isEqualTo("reports");
            EchoFuture<String> failedFuture = tasks.failingFuture();
            assertThatThrownBy(() -> failedFuture.await(Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom from future");
            assertThat(failedFuture.state()).isEqualTo(FutureState.REJECTED);

            // CompletableFuture and CompletionStage.
            assertThat(tasks.completable().get(10, TimeUnit.SECONDS)).isEqualTo("completable in task");
            assertThat(tasks.stage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("stage in task");
            assertThatThrownBy(() -> tasks.failingCompletable().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(java.io.IOException.class).hasMessage("checked boom");

            // Mono and Flux: cold, the body runs per subscription, in a task.
            Mono<String> mono = tasks.mono();
            assertThat(tasks.monoCalls()).isZero();
            StepVerifier.create(mono).expectNext("mono in task").verifyComplete();
            StepVerifier.create(mono).expectNext("mono in task").verifyComplete();
            assertThat(tasks.monoCalls()).isEqualTo(2);
            StepVerifier.create(tasks.flux()).expectNext("a", "b", "true").verifyComplete();
            StepVerifier.create(tasks.failingFlux()).verifyErrorMessage("boom from flux");
            StepVerifier.create(tasks.failingMono()).verifyErrorMessage("boom from mono");
            StepVerifier.create(tasks.monoOfAFailure()).verifyErrorMessage("the body's own Mono failed");
            assertThatThrownBy(() -> tasks.failingStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().hasMessage("boom from stage");
            assertThatThrownBy(() -> tasks.rejectedFuture().await(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the body's own future failed");

            // void: runs in a task; a failure goes to the handler bean once, with the method.
            CountDownLatch ran = new CountDownLatch(1);
            tasks.fireAndForget(ran);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            tasks.failingVoid();
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.failures.size() == 1);
            assertThat(handler.failures.get(0)).isEqualTo("failingVoid: boom from void");
            assertThat(runtime.stats().tasksFailed()).isGreaterThanOrEqualTo(3);
        });
    }

    @Test
    void logsAVoidMethodsFailureOnceWithTheMethodWhenThereIsNoHandlerBean(CapturedOutput output) {
        this.contextRunner.withUserConfiguration(FailingVoidConfiguration.class).run((context) -> {
            context.getBean(FailingVoid.class).fail();
            await().atMost(Duration.ofSeconds(10)).until(() -> output.getAll().contains("no-handler boom"));
        });
        // The context (and its runtime) is closed now: every task has ended, so a second report would be in.
        String log = output.getAll();
        assertThat(log.split("no-handler boom", -1)).hasSize(2);
        assertThat(log).contains("FailingVoid.fail()");
    }

    @Test
    void cancellingTheReturnedFutureCancelsTheTask() {
        this.contextRunner.withUserConfiguration(TasksConfiguration.class).run((context) -> {
            Tasks tasks = context.getBean(Tasks.class);
            EchoFuture<String> future = tasks.sleepy();
            Task<?> task = tasks.sleepyTask().get(10, TimeUnit.SECONDS);
            assertThat(future.cancel()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> task.status() == TaskStatus.CANCELLED);
            assertThatThrownBy(future::await).isInstanceOf(CancellationException.class);

            CompletableFuture<String> completable = tasks.sleepyCompletable();
            Task<?> second = tasks.sleepyCompletableTask().get(10, TimeUnit.SECONDS);
            completable.cancel(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.status() == TaskStatus.CANCELLED);
        });
    }

    @Test
    void proxiesTheClassSoABeanWithAnInterfaceIsStillInjectableByItsClass() {
        this.contextRunner.withBean(InterfaceTasks.class).run((context) -> {
            InterfaceTasks tasks = context.getBean(InterfaceTasks.class);
            assertThat(tasks.inTask().await(Duration.ofSeconds(10))).isTrue();
        });
    }

    @Test
    void selfInvocationRunsInlineAsWithAsync() {
        this.contextRunner.withUserConfiguration(TasksConfiguration.class).run((context) -> {
            Tasks tasks = context.getBean(Tasks.class);
            assertThat(tasks.inTask().await(Duration.ofSeconds(10))).isTrue();
            assertThat(tasks.callsInTaskOnItself()).isFalse();
        });
    }

    @Test
    void failsAtStartUpNamingTheMethodWhoseReturnTypeCannotCarryTheResult() {
        this.contextRunner.withUserConfiguration(BadReturnTypeConfiguration.class).run((context) -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(failure).rootCause().isInstanceOf(EchoTaskReturnTypeException.class)
                .hasMessageContaining(BadReturnType.class.getName() + ".compute")
                .hasMessageContaining("returns java.lang.String");
        });
    }

    @Test
    void rejectsAChannelReturnTypeAtStartUpToo() {
        this.contextRunner.withUserConfiguration(ChannelReturnTypeConfiguration.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(EchoTaskReturnTypeException.class)
                .hasMessageContaining(".channel returns dev.echo.runtime.chan.Channel<java.lang.String>");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TasksConfiguration {

        @Bean
        Tasks tasks() {
            return new Tasks();
        }

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }
    }

    static class RecordingHandler implements AsyncUncaughtExceptionHandler {

        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void handleUncaughtException(Throwable ex, Method method, Object... params) {
            this.failures.add(method.getName() + ": " + ex.getMessage());
        }
    }

    static class Tasks {

        final CompletableFuture<Task<?>> sleepyTask = new CompletableFuture<>();

        final CompletableFuture<Task<?>> sleepyCompletableTask = new CompletableFuture<>();

        private final java.util.concurrent.atomic.AtomicInteger monoCalls = new java.util.concurrent.atomic.AtomicInteger();

        @EchoTask
        public EchoFuture<String> where() {
            return EchoFuture.resolved((Echo.inTask() ? "in task " : "not in task ") + Echo.currentTask().name());
        }

        @EchoTask("reports")
        public EchoFuture<String> named() {
            return EchoFuture.resolved(Echo.currentTask().name());
        }

        @EchoTask
        public EchoFuture<String> failingFuture() {
            throw new IllegalStateException("boom from future");
        }

        @EchoTask
        public CompletableFuture<String> completable() {
            return CompletableFuture.completedFuture("completable " + (Echo.inTask() ? "in task" : "not in task"));
        }

        @EchoTask
        public CompletionStage<String> stage() {
            return CompletableFuture.completedFuture("stage " + (Echo.inTask() ? "in task" : "not in task"));
        }

        @EchoTask
        public CompletableFuture<String> failingCompletable() throws java.io.IOException {
            throw new java.io.IOException("checked boom");
        }

        @EchoTask
        public Mono<String> mono() {
            this.monoCalls.incrementAndGet();
            return Mono.just("mono " + (Echo.inTask() ? "in task" : "not in task"));
        }

        // Fields of a CGLIB proxy are its own (unset): tests read the target's through methods.
        CompletableFuture<Task<?>> sleepyTask() {
            return this.sleepyTask;
        }

        CompletableFuture<Task<?>> sleepyCompletableTask() {
            return this.sleepyCompletableTask;
        }

        int monoCalls() {
            return this.monoCalls.get();
        }

        @EchoTask
        public Flux<String> flux() {
            return Flux.just("a", "b", String.valueOf(Echo.inTask()));
        }

        @EchoTask
        public Flux<String> failingFlux() {
            throw new IllegalArgumentException("boom from flux");
        }

        @EchoTask
        public Mono<String> failingMono() {
            throw new IllegalStateException("boom from mono");
        }

        @EchoTask
        public Mono<String> monoOfAFailure() {
            return Mono.error(new IllegalStateException("the body's own Mono failed"));
        }

        @EchoTask
        public CompletionStage<String> failingStage() {
            return CompletableFuture.failedFuture(new IllegalStateException("boom from stage"));
        }

        @EchoTask
        public EchoFuture<String> rejectedFuture() {
            return EchoFuture.rejected(new IllegalArgumentException("the body's own future failed"));
        }

        @EchoTask
        public void fireAndForget(CountDownLatch ran) {
            if (Echo.inTask()) {
                ran.countDown();
            }
        }

        @EchoTask
        public void failingVoid() {
            throw new IllegalStateException("boom from void");
        }

        @EchoTask
        public EchoFuture<String> sleepy() {
            this.sleepyTask.complete(Echo.currentTask());
            Echo.sleep(Duration.ofMinutes(5));
            return EchoFuture.resolved("woke");
        }

        @EchoTask
        public CompletableFuture<String> sleepyCompletable() {
            this.sleepyCompletableTask.complete(Echo.currentTask());
            Echo.sleep(Duration.ofMinutes(5));
            return CompletableFuture.completedFuture("woke");
        }

        @EchoTask
        public EchoFuture<Boolean> inTask() {
            return EchoFuture.resolved(Echo.inTask());
        }

        public boolean callsInTaskOnItself() {
            return inTask().resultNow();
        }
    }

    static class InterfaceTasks implements java.util.function.Supplier<String> {

        @Override
        public String get() {
            return "an interface the proxy must not hide the class behind";
        }

        @EchoTask
        public EchoFuture<Boolean> inTask() {
            return EchoFuture.resolved(Echo.inTask());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailingVoidConfiguration {

        @Bean
        FailingVoid failingVoid() {
            return new FailingVoid();
        }
    }

    static class FailingVoid {

        @EchoTask
        public void fail() {
            throw new IllegalStateException("no-handler boom");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadReturnTypeConfiguration {

        @Bean
        BadReturnType badReturnType() {
            return new BadReturnType();
        }
    }

    static class BadReturnType {

        @EchoTask
        public String compute() {
            return "never";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ChannelReturnTypeConfiguration {

        @Bean
        ChannelReturnType channelReturnType() {
            return new ChannelReturnType();
        }
    }

    static class ChannelReturnType {

        @EchoTask
        public dev.echo.runtime.chan.Channel<String> channel() {
            return dev.echo.runtime.chan.Channel.unbuffered();
        }
    }
}
