package dev.echo.bench;

import dev.echo.bench.kotlinx.KotlinxSpawnJoin;
import dev.echo.runtime.EchoRuntime;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro benchmark of spawn + join, the {@code spawnjoin} workload's code in batches of
 * {@value #BATCH} tasks per invocation: ns per task, each system entering its own main (Echo's
 * {@code block}, a virtual thread, {@code runBlocking}) once per batch. A JMH cross-check of
 * the harness's figure; the contract's BENCH lines come from the harness.
 *
 * <p>{@code java -jar echo-benchmarks.jar jmh SpawnJoinJmh}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SpawnJoinJmh {

    static final int BATCH = 10_000;
    static final long SUM = (long) BATCH * (BATCH - 1) / 2;

    private EchoRuntime runtime;

    @Setup
    public void start() {
        runtime = EchoRuntime.builder().processors(Runtime.getRuntime().availableProcessors()).name("jmh").build();
    }

    @TearDown
    public void stop() {
        runtime.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long echo() {
        return runtime.block(() -> SpawnJoin.echo(BATCH, SUM));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long vt() throws Exception {
        return Vt.main(() -> SpawnJoin.vt(BATCH, SUM));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long kotlinx() {
        return KotlinxSpawnJoin.run(BATCH, SUM);
    }
}
