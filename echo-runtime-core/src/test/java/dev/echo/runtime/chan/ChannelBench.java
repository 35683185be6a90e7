package dev.echo.runtime.chan;

import dev.echo.runtime.EchoRuntime;
import dev.echo.runtime.Task;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Whole-program channel benchmarks (a JMH module comes later): Echo channels against the
 * lock-free {@link SegmentChannel} prototype and the JDK's {@link SynchronousQueue} /
 * {@link ArrayBlockingQueue}, each on plain JDK virtual threads and on Echo tasks, in one run.
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
 * Each cell runs in fresh JVMs (see {@link #main}); results depend on the order in which
 * cells share a JVM otherwise (JIT profiles, carrier threads left over).
 */
final class ChannelBench {

    private static final int FORKS = 2;
    private static final int WARMUP = 3;
    private static final int MEASURED = 5;
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

    private static Pipe segment(SegmentChannel<Integer> channel) {
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

    private static final List<String> BENCHMARKS = List.of("ping-pong", "ring", "4x4");
    private static final List<String> COLUMNS = List.of("echo virtual", "segment virtual", "jdk virtual",
            "echo tasks", "segment tasks", "jdk tasks");

    /**
     * No arguments: every cell, each in {@value #FORKS} fresh JVMs (same flags and class path),
     * printed as a table. {@code cell BENCHMARK echo|segment|jdk virtual|tasks}: one cell in this JVM,
     * printing one {@code RESULT} line per measured run. {@code profile ...}: one cell for 20 s,
     * for a profiler.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            table();
            return;
        }
        boolean profile = args[0].equals("profile");
        String benchmark = args[1];
        String implementation = args[2];
        Metric metric = switch (benchmark) {
            case "ping-pong" -> ChannelBench::pingPong;
            case "ring" -> ChannelBench::threadRing;
            case "4x4" -> ChannelBench::producersConsumers;
            default -> throw new IllegalArgumentException("no benchmark " + benchmark + "; known: " + BENCHMARKS);
        };
        IntFunction<Pipe> pipes = switch (implementation) {
            case "echo" -> capacity -> echo(Channel.buffered(capacity));
            case "segment" -> capacity -> segment(new SegmentChannel<>(capacity));
            case "jdk" -> capacity -> capacity == 0 ? jdk(new SynchronousQueue<>()) : jdk(new ArrayBlockingQueue<>(capacity));
            default -> throw new IllegalArgumentException("no implementation " + implementation + "; known: echo, segment, jdk");
        };
        int processors = Runtime.getRuntime().availableProcessors();
        try (EchoRuntime runtime = EchoRuntime.builder().processors(processors).name("bench")
                .shutdownGrace(Duration.ofSeconds(1)).build()) {
            Parties parties = args[3].equals("tasks") ? echoTasks(runtime) : virtualThreads();
            if (profile) {
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < end) {
                    System.out.printf(Locale.ROOT, "%s: %.1f%n", List.of(args), metric.measure(parties, pipes));
                }
                return;
            }
            for (int i = 0; i < WARMUP; i++) {
                metric.measure(parties, pipes);
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long operations = switch (benchmark) {
                case "ping-pong" -> PING_PONG_ROUNDS;
                case "ring" -> RING_HOPS;
                default -> MESSAGES;
            };
            for (int i = 0; i < MEASURED; i++) {
                long cpu = os.getProcessCpuTime();
                double wall = metric.measure(parties, pipes);
                cpu = os.getProcessCpuTime() - cpu;
                System.out.printf(Locale.ROOT, "RESULT %.3f %.3f%n", wall, (double) cpu / operations);
            }
        }
    }

    private static void table() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        int processors = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "ChannelBench: %s %s, %d CPUs; JDK virtual-thread scheduler and Echo both with"
                        + " %d carriers; JVM flags %s%n", System.getProperty("java.vm.name"), Runtime.version(),
                processors, processors, jvmFlags);
        System.out.printf(Locale.ROOT, "each cell: median [min-max] of %d forks x %d runs, after %d warm-up runs per fork%n%n",
                FORKS, MEASURED, WARMUP);
        String header = String.format(Locale.ROOT, "%-26s | %-22s | %-22s | %-22s | %-22s | %-22s | %-22s", "benchmark",
                "Echo chan, virtual thr", "segment, virtual thr", "JDK queue, virtual thr",
                "Echo chan, Echo tasks", "segment, Echo tasks", "JDK queue, Echo tasks");
        List<String> cpuLines = new ArrayList<>();
        System.out.println("wall clock:");
        System.out.println(header);
        for (String benchmark : BENCHMARKS) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-26s", switch (benchmark) {
                case "ping-pong" -> "ping-pong, ns/round trip";
                case "ring" -> "503-ring, ns/hop";
                default -> "4x4 cap 1024, Mmsg/s";
            }));
            StringBuilder cpuLine = new StringBuilder(String.format(Locale.ROOT, "%-26s", switch (benchmark) {
                case "ping-pong" -> "ping-pong, CPU ns/trip";
                case "ring" -> "503-ring, CPU ns/hop";
                default -> "4x4 cap 1024, CPU ns/msg";
            }));
            for (String column : COLUMNS) {
                List<Double> runs = new ArrayList<>();
                List<Double> cpuRuns = new ArrayList<>();
                for (int fork = 0; fork < FORKS; fork++) {
                    List<String> command = new ArrayList<>();
                    command.add(java);
                    command.addAll(jvmFlags);
                    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChannelBench.class.getName(),
                            "cell", benchmark));
                    command.addAll(List.of(column.split(" ")));
                    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
                    for (String out : child.inputReader().lines().toList()) {
                        if (out.startsWith("RESULT ")) {
                            String[] fields = out.split(" ");
                            runs.add(Double.parseDouble(fields[1]));
                            cpuRuns.add(Double.parseDouble(fields[2]));
                        }
                    }
                    if (child.waitFor() != 0) {
                        throw new IllegalStateException("cell " + benchmark + " " + column + " failed");
                    }
                }
                line.append(cell(runs));
                cpuLine.append(cell(cpuRuns));
            }
            String jdk = benchmark.equals("4x4") ? "  (JDK: ArrayBlockingQueue)" : "  (JDK: SynchronousQueue)";
            System.out.println(line.append(jdk));
            cpuLines.add(cpuLine.append(jdk).toString());
        }
        System.out.printf(Locale.ROOT, "%nprocess CPU time per operation (all threads, JIT and GC included;"
                + " less disturbed by other load on the machine):%n");
        System.out.println(header);
        cpuLines.forEach(System.out::println);
    }

    private static String cell(List<Double> runs) {
        runs.sort(null);
        return String.format(Locale.ROOT, " | %7.1f [%6.1f-%6.1f]", runs.get(runs.size() / 2), runs.getFirst(),
                runs.getLast());
    }
}
