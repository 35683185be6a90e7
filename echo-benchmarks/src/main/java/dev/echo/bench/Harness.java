package dev.echo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The parent process: forks the child JVMs, collects their samples, prints the report.
 *
 * <p>Plan, for {@code processes} P and {@code rounds} R: for each process number p = 1..P, for
 * each workload, one child JVM runs the workload's warm-up and R rounds alternating between the
 * systems. Workloads that need a fresh JVM per measurement ({@link Workload#isolated()}) get, for
 * each p, R forks per system instead (one with {@code --quick}), still alternating (echo, vt,
 * kotlinx, echo, ...). Process
 * number p is the outer loop so that a disturbance on the machine (another build, say) lands on
 * one process of many workloads rather than on every process of one.
 *
 * <p>Each child gets {@code --add-opens java.base/java.lang=ALL-UNNAMED} (Echo needs it; the
 * jar's manifest gives it only to the JVM started with {@code -jar}), G1 and the workload's heap
 * options, and is killed if it outlives {@code timeoutSeconds}: its samples so far are kept, a
 * thread dump with its virtual threads is written to the temporary directory first, and a
 * {@code FAILED} line says both.
 */
final class Harness {

    static final List<String> CHILD_JVM_OPTIONS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+UseG1GC");

    private final List<Workload> workloads;
    private final boolean quick;
    private final Integer processesOption;
    private final Integer roundsOption;
    private final Long timeoutOption;
    private final long measureTimeoutSeconds;
    private final List<String> extraJvmOptions;
    private final List<String> serverJvmOptions;
    private final PrintStream out = System.out;
    private final PrintStream log = System.err;
    private final Report report = new Report();

    /**
     * @param processesOption {@code --processes}, or null for each workload's default
     * @param roundsOption    {@code --rounds}, or null for each workload's default
     * @param timeoutOption   {@code --timeout}, or null for each workload's default
     * @param serverJvmOptions {@code --server-jvm-arg}s: extra options for the HTTP workloads' server JVMs
     */
    Harness(List<Workload> workloads, boolean quick, Integer processesOption, Integer roundsOption, Long timeoutOption,
            long measureTimeoutSeconds, List<String> extraJvmOptions, List<String> serverJvmOptions) {
        this.workloads = workloads;
        this.quick = quick;
        this.processesOption = processesOption;
        this.roundsOption = roundsOption;
        this.timeoutOption = timeoutOption;
        this.measureTimeoutSeconds = measureTimeoutSeconds;
        this.extraJvmOptions = List.copyOf(extraJvmOptions);
        this.serverJvmOptions = List.copyOf(serverJvmOptions);
    }

    private int processes(Workload workload) {
        return processesOption != null ? processesOption : workload.defaultProcesses(quick);
    }

    private int rounds(Workload workload) {
        return roundsOption != null ? roundsOption : workload.defaultRounds(quick);
    }

    private long timeoutSeconds(Workload workload) {
        return timeoutOption != null ? timeoutOption : workload.defaultChildTimeoutSeconds(quick);
    }

    /** "3 processes x 5 rounds per workload", or each workload's counts where they differ. */
    private String counts() {
        List<String> each = workloads.stream()
                .map(w -> processes(w) + " processes x " + rounds(w) + " rounds").distinct().toList();
        if (each.size() == 1) {
            return each.getFirst() + " per workload";
        }
        return String.join(", ", workloads.stream()
                .map(w -> w.name() + " " + processes(w) + " x " + rounds(w)).toList()) + " (processes x rounds)";
    }

    /** Runs the whole plan; returns the process exit status (1 if anything failed). */
    int run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        out.printf(Locale.ROOT, "# echo-benchmarks%s: %s; %s, medians; %s%n",
                quick ? " --quick" : "", String.join(" ", workloads.stream().map(Workload::name).toList()),
                counts(), Machine.describe());
        out.flush();
        List<Fork> plan = plan();
        for (Workload workload : workloads) {
            report.expect(workload);
            workload.unavailable().forEach((contender, why) ->
                    log.printf("# %s: the %s variant is unavailable in this build: %s%n", workload.name(), contender.id(), why));
        }
        boolean failed = false;
        for (int i = 0; i < plan.size(); i++) {
            Fork fork = plan.get(i);
            log.printf(Locale.ROOT, "[%d/%d] %s, process %d/%d%s (%.0f s so far)%n", i + 1, plan.size(),
                    fork.workload.name(), fork.process, processes(fork.workload),
                    fork.only == null ? "" : ", " + fork.only.id(), (System.nanoTime() - start) / 1e9);
            failed |= !runChild(fork);
        }
        log.printf(Locale.ROOT, "# done in %.0f s%n", (System.nanoTime() - start) / 1e9);
        report.print(out);
        return failed ? 1 : 0;
    }

    /** One child JVM: a workload, its rounds, and the one system it measures if isolated. */
    private record Fork(Workload workload, int process, int rounds, Contender only) {
    }

    private List<Fork> plan() {
        List<Fork> plan = new ArrayList<>();
        int mostProcesses = workloads.stream().mapToInt(this::processes).max().orElse(0);
        for (int process = 1; process <= mostProcesses; process++) {
            for (Workload workload : workloads) {
                if (process > processes(workload)) {
                    continue;
                }
                if (!workload.isolated()) {
                    plan.add(new Fork(workload, process, rounds(workload), null));
                    continue;
                }
                // --quick: one fork per system per process (a fork costs a JVM and a warm-up).
                int isolatedRounds = quick ? 1 : rounds(workload);
                for (int round = 0; round < isolatedRounds; round++) {
                    for (Contender contender : workload.contenders()) {
                        if (!workload.unavailable().containsKey(contender)) {
                            plan.add(new Fork(workload, process, 1, contender));
                        }
                    }
                }
            }
        }
        return plan;
    }

    /**
     * Before a hung child is killed: a thread dump that includes its virtual threads (hence
     * {@code jcmd Thread.dump_to_file}, not {@code jstack}), into the temporary directory.
     *
     * @return the dump's path, or null if it could not be taken
     */
    private String dumpThreads(Process child, Fork fork) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "echo-bench-" + fork.workload.name()
                + "-p" + fork.process + "-" + child.pid() + ".threads.txt");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(child.pid()),
                    "Thread.dump_to_file", "-format=text", file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (dump.waitFor(30, TimeUnit.SECONDS) && dump.exitValue() == 0 && file.toFile().isFile()) {
                log.println("# thread dump of the hung child: " + file);
                return file.toString();
            }
            dump.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            log.println("# no thread dump of the hung child: " + e);
        }
        return null;
    }

    private boolean runChild(Fork fork) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM_OPTIONS);
        command.addAll(fork.workload.jvmOptions());
        command.addAll(extraJvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
                "--child", fork.workload.name(), "--rounds", String.valueOf(fork.rounds),
                "--measure-timeout", String.valueOf(fork.workload.measureTimeoutSeconds(measureTimeoutSeconds, quick))));
        for (String option : serverJvmOptions) {
            command.addAll(List.of("--server-jvm-arg", option));
        }
        if (fork.only != null) {
            command.addAll(List.of("--only", fork.only.id()));
        }
        if (quick) {
            command.add("--quick");
        }
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        boolean[] sawFailure = {false};
        Thread reader = Thread.ofPlatform().daemon().name("child-reader").start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith(Sample.RESULT + " ")) {
                        report.add(Sample.parseResultLine(line), fork.process);
                    } else if (line.startsWith(ChildRun.NOTE + " ")) {
                        report.note(line.substring(ChildRun.NOTE.length() + 1));
                        log.println(line);
                    } else if (line.startsWith(ChildRun.FAILED + " ")) {
                        sawFailure[0] = true;
                        report.fail(line);
                        log.println(line);
                    } else {
                        log.println(line);
                    }
                }
            } catch (IOException e) {
                log.println("# lost the child's output: " + e);
            }
        });
        String name = fork.workload.name() + (fork.only == null ? "" : " " + fork.only.id());
        long timeoutSeconds = timeoutSeconds(fork.workload);
        if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            String dump = dumpThreads(child, fork);
            child.destroyForcibly().waitFor();
            reader.join();
            report.fail(String.join(" ", ChildRun.FAILED, fork.workload.name(),
                    fork.only == null ? "*" : fork.only.id(),
                    "process " + fork.process + " killed after " + timeoutSeconds + " s (hung?); its samples so far are kept;",
                    dump == null ? "no thread dump" : "thread dump in " + dump));
            log.println("# " + name + ": child killed after " + timeoutSeconds + " s");
            return false;
        }
        reader.join();
        if (child.exitValue() != 0) {
            report.fail(String.join(" ", ChildRun.FAILED, fork.workload.name(),
                    fork.only == null ? "*" : fork.only.id(),
                    "process " + fork.process + " exited with status " + child.exitValue()));
            return false;
        }
        return !sawFailure[0];
    }
}
