package dev.echo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code echo-benchmarks.jar}.
 *
 * <pre>
 * java -jar echo-benchmarks.jar [--quick] [workload ...]     the suite (all workloads when none is named)
 *     --processes N    child JVMs per workload (default 3; 2 with --quick)
 *     --rounds N       measured rounds per child (default 5; 2 with --quick)
 *     --jvm-arg ARG    an extra option for every child JVM (repeatable)
 *     --server-jvm-arg ARG  an extra option for the HTTP workloads' server JVMs (repeatable)
 *     --timeout S      kill a child after S seconds (default 900; 240 with --quick)
 *     --measure-timeout S   a measurement still running after S seconds has hung (default 120)
 * java -jar echo-benchmarks.jar --list                       the workloads and what they measure
 * java -jar echo-benchmarks.jar jmh [JMH options]            the JMH micro benchmarks
 * </pre>
 *
 * The output contract (BENCH lines, then a markdown table) is described in {@link Report} and in
 * {@code docs/benchmarks.md}. Internally the parent re-runs this class in child JVMs with
 * {@code --child WORKLOAD --rounds N [--only SYSTEM] [--quick]} ({@link ChildRun}).
 */
public final class BenchMain {

    /**
     * Seconds one measurement may take before it counts as hung: ten times the slowest seen on
     * a loaded 2-core machine (skynet on virtual threads, about 14 s).
     */
    static final long DEFAULT_MEASURE_TIMEOUT = 120;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean quick = false;
        boolean list = false;
        String child = null;
        Contender only = null;
        Integer processes = null;
        Integer rounds = null;
        Long timeout = null;
        long measureTimeout = DEFAULT_MEASURE_TIMEOUT;
        List<String> jvmArgs = new ArrayList<>();
        List<String> serverJvmArgs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--list" -> list = true;
                case "--processes" -> processes = positive(arg, value(args, ++i, arg));
                case "--rounds" -> rounds = positive(arg, value(args, ++i, arg));
                case "--timeout" -> timeout = (long) positive(arg, value(args, ++i, arg));
                case "--measure-timeout" -> measureTimeout = positive(arg, value(args, ++i, arg));
                case "--jvm-arg" -> jvmArgs.add(value(args, ++i, arg));
                case "--server-jvm-arg" -> serverJvmArgs.add(value(args, ++i, arg));
                case "--child" -> child = value(args, ++i, arg);
                case "--only" -> only = Contender.byId(value(args, ++i, arg));
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    if (arg.startsWith("-")) {
                        System.err.println("unknown option " + arg);
                        usage();
                        System.exit(2);
                    }
                    names.add(arg);
                }
            }
        }
        if (list) {
            for (Workload workload : Workloads.KNOWN) {
                System.out.printf("%-11s %s%n", workload.name(), workload.summary());
            }
            return;
        }
        if (child != null) {
            Workload workload = Workloads.byName(child);
            List<Contender> contenders = only == null ? workload.contenders() : List.of(only);
            new ChildRun(workload, contenders, rounds == null ? 1 : rounds, quick, measureTimeout, serverJvmArgs).run();
            // kotlinx's and the JDK's pools are daemon threads, but a stray non-daemon thread
            // must not keep a finished child alive until the parent's timeout.
            System.exit(0);
        }
        List<Workload> workloads;
        try {
            workloads = Workloads.select(names);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Harness harness = new Harness(workloads, quick, processes, rounds, timeout, measureTimeout, jvmArgs, serverJvmArgs);
        System.exit(harness.run());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println(option + " needs a positive number, not " + value);
        System.exit(2);
        return 0;
    }

    private static void usage() {
        System.out.println("""
                usage: java -jar echo-benchmarks.jar [--quick] [options] [workload ...]
                       java -jar echo-benchmarks.jar --list
                       java -jar echo-benchmarks.jar jmh [JMH options]
                Runs the named workloads (all when none is named) for Echo and the alternatives,
                in child JVMs, and prints BENCH <workload> <system> <value> <unit> lines (medians)
                and a markdown table of Echo / alternative ratios.
                  --quick          fewer processes and rounds (finishes in minutes)
                  --processes N    child JVMs per workload (default 3; 2 with --quick; http-*: 1)
                  --rounds N       measured rounds per child (default 5; 2 with --quick; http-*: 3, 1)
                  --jvm-arg ARG    an extra option for every child JVM (repeatable)
                  --server-jvm-arg ARG
                                   an extra option for the HTTP workloads' server JVMs
                                   (repeatable), e.g. -XX:StartFlightRecording=filename=s.jfr
                  --timeout S      kill a child after S seconds (default 900; 240 with --quick)
                  --measure-timeout S
                                   a measurement running longer has hung: reported as FAILED
                                   with a thread dump, the other systems go on (default 120)
                workloads: """ + Workloads.names() + "\n                not in the default run: " + Workloads.extraNames());
    }
}
