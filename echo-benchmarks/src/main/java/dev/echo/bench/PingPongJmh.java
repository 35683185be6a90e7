package dev.echo.bench;

import dev.echo.bench.kotlinx.KotlinxPingPong;
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
 * JMH micro benchmark of an unbuffered ping-pong, the {@code pingpong} workload's code in
 * batches of {@value #BATCH} round trips per invocation: ns per round trip (the ponger is
 * spawned once per batch). A JMH cross-check of the harness's figure, with JMH's forks showing
 * the per-process spread the issue warns about.
 *
 * <p>{@code java -jar echo-benchmarks.jar jmh PingPongJmh}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PingPongJmh {

    static final int BATCH = 10_000;

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
        return runtime.block(() -> PingPong.echo(BATCH));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long vt() throws Exception {
        return Vt.main(() -> PingPong.vt(BATCH));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long kotlinx() {
        return KotlinxPingPong.run(BATCH);
    }
}
