package dev.echo.runtime.chan;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Whole-program channel benchmarks (a JMH module comes later): Echo channels against the JDK's
 * {@link SynchronousQueue} / {@link ArrayBlockingQueue}, each on plain JDK virtual threads and
 * on Echo tasks, in one run.
 *
 * <ul>
 *   <li>ping-pong: two parties bounce a value over two unbuffered channels; ns per round trip.
 *   <li>thread ring: 503 parties in a ring of unbuffered channels pass a token; ns per hop.
 *   <li>4x4: four producers, four consumers, one channel of capacity 1024; million msgs/s.
 * </ul>
 *
 * Run from the repository root:
 * <pre>
 * ./echo.sh mvn -q -pl echo-runtime-core test-compile exec:exec -Dexec.executable=java \
 *   -Dexec.classpathScope=test -Dexec.args="--add-opens java.base/java.lang=ALL-UNNAMED \
 *   -Xms1g -Xmx1g -cp %classpath dev.echo.runtime.chan.ChannelBench"
 * </pre>
 * Each cell is the median of {@value #MEASURED} runs after {@value #WARMUP} warm-up runs.
 */
final class ChannelBench {

    private static final int WARMUP = 3;
    private static final int MEASURED = 7;
    private static final int PING_PONG_ROUNDS = 200_000;
    private static final int RING_SIZE = 503;
    private static final int RING_HOPS = 500_000;
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int MESSAGES = 4_000_000;
    private static final int CAPACITY = 1024;

    /** The two ends of a channel or a queue, as the benchmark bodies use them. */
    private interface Pipe {
        void put(int value) throws InterruptedException;

        int take() throws InterruptedException;
    }

    private static Pipe echo(Channel<Integer> channel) {
        return new Pipe() {
            @Override
            public void put(int value) {
                channel.send(value);
            }

            @Override
            public int take() {
                return channel.receive();
            }
        };
    }

    private static Pipe jdk(BlockingQueue<Integer> queue) {
        return new Pipe() {
            @Override
            public void put(int value) throws InterruptedException {
                queue.put(value);
            }

            @Override
            public int take() throws InterruptedException {
                return queue.take();
            }
        };
    }

    private interface Body {
        void run() throws Exception;
    }

    /** A started benchmark party. */
    private interface Party {
        /** Waits for the body to end by itself. */
        void join();

        /** Cancels the body (it is parked for good once the benchmark is done) and waits. */
        void stop();
    }

    /** Where benchmark parties run: plain virtual threads, or tasks of an Echo runtime. */
    private interface Parties {
        List<Party> start(List<Body> bodies);
    }

    private static Parties virtualThreads() {
        return bodies -> {
            List<Party> started = new ArrayList<>();
            for (Body body : bodies) {
                Thread thread = Thread.ofVirtual().start(() -> runQuietly(body));
                started.add(new Party() {
                    @Override
                    public void join() {
                        try {
                            thread.join();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public void stop() {
                        thread.interrupt();
                        join();
                    }
                });
            }
            return started;
        };
    }

    private static Parties echoTasks(EchoRuntime runtime) {
        return bodies -> {
            List<Party> started = new ArrayList<>();
            for (Body body : bodies) {
                Task<Void> task = runtime.spawn(() -> runQuietly(body));
                started.add(new Party() {
                    @Override
                    public void join() {
                        task.join();
                    }

                    @Override
                    public void stop() {
                        task.cancel();
                        task.future().toCompletableFuture().exceptionally(e -> null).join();
                    }
                });
            }
            return started;
        };
    }

    private static Void runQuietly(Body body) {
        try {
            body.run();
        } catch (InterruptedException | java.util.concurrent.CancellationException stopped) {
            // stopped by the benchmark after it finished measuring
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    // ## The three benchmarks; each returns its metric for one run ##

    /** ns per round trip. Bodies end by themselves. */
    private static double pingPong(Parties parties, IntFunction<Pipe> unbuffered) {
        Pipe ping = unbuffered.apply(0);
        Pipe pong = unbuffered.apply(0);
        long start = System.nanoTime();
        parties.start(List.of(() -> {
            for (int i = 0; i < PING_PONG_ROUNDS; i++) {
                ping.put(i);
                pong.take();
            }
        }, () -> {
            for (int i = 0; i < PING_PONG_ROUNDS; i++) {
                pong.put(ping.take());
            }
        })).forEach(Party::join);
        return (double) (System.nanoTime() - start) / PING_PONG_ROUNDS;
    }

    /** ns per hop. The party that sees the token reach 0 reports; then all are stopped. */
    private static double threadRing(Parties parties, IntFunction<Pipe> unbuffered) {
        List<Pipe> links = new ArrayList<>();
        for (int i = 0; i < RING_SIZE; i++) {
            links.add(unbuffered.apply(0));
        }
        CompletableFuture<Long> finished = new CompletableFuture<>();
        List<Body> bodies = new ArrayList<>();
        for (int i = 0; i < RING_SIZE; i++) {
            Pipe in = links.get(i);
            Pipe out = links.get((i + 1) % RING_SIZE);
            bodies.add(() -> {
                for (;;) {
                    int token = in.take();
                    if (token == 0) {
                        finished.complete(System.nanoTime());
                        return;
                    }
                    out.put(token - 1);
                }
            });
        }
        List<Party> ring = new ArrayList<>(parties.start(bodies));
        long start = System.nanoTime();
        ring.addAll(parties.start(List.of(() -> links.getFirst().put(RING_HOPS))));
        long end = finished.join();
        ring.forEach(Party::stop);
        return (double) (end - start) / RING_HOPS;
    }

    /** Million messages per second; consumers stop at one poison value each. */
    private static double producersConsumers(Parties parties, IntFunction<Pipe> buffered) {
        Pipe pipe = buffered.apply(CAPACITY);
        LongAdder sum = new LongAdder();
        int perProducer = MESSAGES / PRODUCERS;
        List<Body> bodies = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            bodies.add(() -> {
                for (int i = 1; i <= perProducer; i++) {
                    pipe.put(i);
                }
            });
        }
        List<Body> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            consumers.add(() -> {
                long local = 0;
                for (int value; (value = pipe.take()) >= 0; ) {
                    local += value;
                }
                sum.add(local);
            });
        }
        long start = System.nanoTime();
        List<Party> consuming = parties.start(consumers);
        parties.start(bodies).forEach(Party::join);
        parties.start(List.of(() -> {
            for (int c = 0; c < CONSUMERS; c++) {
                pipe.put(-1);
            }
        })).forEach(Party::join);
        consuming.forEach(Party::join);
        long elapsed = System.nanoTime() - start;
        long expected = (long) PRODUCERS * perProducer * (perProducer + 1) / 2;
        if (sum.sum() != expected) {
            throw new IllegalStateException("checksum " + sum.sum() + " != " + expected);
        }
        return MESSAGES / (elapsed / 1e9) / 1e6;
    }

    // ## Harness ##

    private interface Metric {
        double measure(Parties parties, IntFunction<Pipe> pipes);
    }

    private static double median(Metric metric, Parties parties, IntFunction<Pipe> pipes) {
        for (int i = 0; i < WARMUP; i++) {
            metric.measure(parties, pipes);
        }
        double[] runs = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            runs[i] = metric.measure(parties, pipes);
        }
        Arrays.sort(runs);
        return runs[MEASURED / 2];
    }

    public static void main(String[] args) {
        IntFunction<Pipe> echoUnbuffered = capacity -> echo(Channel.unbuffered());
        IntFunction<Pipe> echoBuffered = capacity -> echo(Channel.buffered(capacity));
        IntFunction<Pipe> synchronousQueue = capacity -> jdk(new SynchronousQueue<>());
        IntFunction<Pipe> arrayBlockingQueue = capacity -> jdk(new ArrayBlockingQueue<>(capacity));
        int processors = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "ChannelBench: %s %s, %d CPUs, virtual-thread parallelism %s, Echo processors %d%n",
                System.getProperty("java.vm.name"), Runtime.version(), processors,
                System.getProperty("jdk.virtualThreadScheduler.parallelism", String.valueOf(processors)), processors);
        System.out.printf(Locale.ROOT, "median of %d runs after %d warm-up runs%n%n", MEASURED, WARMUP);
        try (EchoRuntime runtime = EchoRuntime.builder().processors(processors).name("bench")
                .shutdownGrace(Duration.ofSeconds(1)).build()) {
            Parties virtual = virtualThreads();
            Parties tasks = echoTasks(runtime);
            List<String> only = List.of(args);
            if (!only.isEmpty()) {
                profile(only, virtual, tasks, echoUnbuffered, echoBuffered, synchronousQueue, arrayBlockingQueue);
                return;
            }
            row("ping-pong, ns per round trip", "SynchronousQueue",
                    median(ChannelBench::pingPong, virtual, echoUnbuffered),
                    median(ChannelBench::pingPong, virtual, synchronousQueue),
                    median(ChannelBench::pingPong, tasks, echoUnbuffered),
                    median(ChannelBench::pingPong, tasks, synchronousQueue));
            row("503-ring, ns per hop", "SynchronousQueue",
                    median(ChannelBench::threadRing, virtual, echoUnbuffered),
                    median(ChannelBench::threadRing, virtual, synchronousQueue),
                    median(ChannelBench::threadRing, tasks, echoUnbuffered),
                    median(ChannelBench::threadRing, tasks, synchronousQueue));
            row("4x4 cap 1024, Mmsg/s", "ArrayBlockingQueue",
                    median(ChannelBench::producersConsumers, virtual, echoBuffered),
                    median(ChannelBench::producersConsumers, virtual, arrayBlockingQueue),
                    median(ChannelBench::producersConsumers, tasks, echoBuffered),
                    median(ChannelBench::producersConsumers, tasks, arrayBlockingQueue));
        }
    }

    /** Runs one benchmark cell for 20 s, for a profiler: {@code 4x4|ping-pong|ring echo|jdk virtual|tasks}. */
    private static void profile(List<String> cell, Parties virtual, Parties tasks, IntFunction<Pipe> echoUnbuffered,
                                IntFunction<Pipe> echoBuffered, IntFunction<Pipe> synchronousQueue,
                                IntFunction<Pipe> arrayBlockingQueue) {
        Parties parties = cell.get(2).equals("tasks") ? tasks : virtual;
        boolean echo = cell.get(1).equals("echo");
        Metric metric;
        IntFunction<Pipe> pipes;
        switch (cell.get(0)) {
            case "4x4" -> {
                metric = ChannelBench::producersConsumers;
                pipes = echo ? echoBuffered : arrayBlockingQueue;
            }
            case "ring" -> {
                metric = ChannelBench::threadRing;
                pipes = echo ? echoUnbuffered : synchronousQueue;
            }
            default -> {
                metric = ChannelBench::pingPong;
                pipes = echo ? echoUnbuffered : synchronousQueue;
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            System.out.printf(Locale.ROOT, "%s: %.1f%n", cell, metric.measure(parties, pipes));
        }
    }

    private static boolean headerPrinted;

    private static void row(String benchmark, String jdkQueue, double echoVirtual, double jdkVirtual,
                            double echoTasks, double jdkTasks) {
        if (!headerPrinted) {
            System.out.printf(Locale.ROOT, "%-30s | %-22s | %-22s | %-22s | %-22s%n", "benchmark",
                    "Echo chan, virtual thr", "JDK queue, virtual thr", "Echo chan, Echo tasks", "JDK queue, Echo tasks");
            headerPrinted = true;
        }
        System.out.printf(Locale.ROOT, "%-30s | %22.1f | %22.1f | %22.1f | %22.1f   (JDK queue: %s)%n",
                benchmark, echoVirtual, jdkVirtual, echoTasks, jdkTasks, jdkQueue);
    }
}
