package dev.echo.bench;

import java.util.ArrayList;
import java.util.List;

/** The suite's workloads, in the order a full run measures them. */
final class Workloads {

    static final List<Workload> ALL = List.of(
            new PingPong(), new ThreadRing(), new Skynet(), new SpawnJoin(), new Mpmc(),
            new Parked(), new Timers(), new SelectFanIn(), new TcpEcho(),
            new ReactiveBlocking(), new ReactiveStream(),
            HttpWorkload.hello(), HttpWorkload.sleep(), HttpWorkload.fanout());

    /** Run only when named: the soak takes ten minutes and checks reliability, not speed. */
    static final List<Workload> EXTRA = List.of(new Soak());

    /** Every workload, default and extra. */
    static final List<Workload> KNOWN = concat(ALL, EXTRA);

    private static List<Workload> concat(List<Workload> a, List<Workload> b) {
        List<Workload> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private Workloads() {
    }

    static Workload byName(String name) {
        for (Workload workload : KNOWN) {
            if (workload.name().equals(name)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; the workloads are " + names()
                + " (and, run only when named, " + extraNames() + ")");
    }

    /** The named workloads in the order given, or all of them when none is named. */
    static List<Workload> select(List<String> names) {
        if (names.isEmpty()) {
            return ALL;
        }
        List<Workload> chosen = new ArrayList<>();
        for (String name : names) {
            Workload workload = byName(name);
            if (!chosen.contains(workload)) {
                chosen.add(workload);
            }
        }
        return chosen;
    }

    static String names() {
        return String.join(", ", ALL.stream().map(Workload::name).toList());
    }

    static String extraNames() {
        return String.join(", ", EXTRA.stream().map(Workload::name).toList());
    }
}
