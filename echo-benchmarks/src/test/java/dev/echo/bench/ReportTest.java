package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The output contract, as outside tooling parses it (docs/benchmarks.md, "Output contract"). */
class ReportTest {

    private static final Pattern BENCH = Pattern.compile(
            "BENCH [a-z0-9-]+ (echo|vt|kotlinx|floor|netty|echo-rn-loops|webflux|mvc-vt|webflux-elastic) -?[0-9]+(\\.[0-9]+)?"
            + " (ns/op|ms|msg/s|req/s|bytes/task|us|MiB|s/kreq|count|%)");

    private static String print(Report report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void benchLinesAreMediansOverEveryProcessInContractFormat() {
        Report report = new Report();
        Workload pingpong = Workloads.byName("pingpong");
        report.expect(pingpong);
        double[][] byProcess = {{210, 230, 800}, {220, 240}};
        for (int p = 0; p < byProcess.length; p++) {
            for (double v : byProcess[p]) {
                report.add(pingpong.metric().sample(Contender.ECHO, v), p + 1);
                report.add(pingpong.metric().sample(Contender.VT, v * 2), p + 1);
            }
        }
        List<String> bench = print(report).lines().filter(l -> l.startsWith("BENCH ")).toList();

        assertThat(bench).containsExactly("BENCH pingpong echo 230 ns/op", "BENCH pingpong vt 460 ns/op");
        assertThat(bench).allMatch(line -> BENCH.matcher(line).matches());
    }

    @Test
    void tableGivesEchoOverEachAlternativeAndMarksMissingFiguresNa() {
        Report report = new Report();
        Workload mpmc = Workloads.byName("mpmc");
        report.expect(mpmc);
        report.add(mpmc.metric().sample(Contender.ECHO, 30_000_000), 1);
        report.add(mpmc.metric().sample(Contender.VT, 15_000_000), 1);

        String out = print(report);

        assertThat(out).contains("| workload | unit | better | echo | vt | echo / vt |")
                .contains("| mpmc | msg/s | higher | 30000000 | 15000000 | 2 |");
    }

    @Test
    void theFloorIsAColumnWithEchoOverItLikeAnyPeer() {
        Report report = new Report();
        Workload pingpong = Workloads.byName("pingpong");
        report.expect(pingpong);
        report.add(pingpong.metric().sample(Contender.ECHO, 600), 1);
        report.add(pingpong.metric().sample(Contender.VT, 500), 1);
        report.add(pingpong.metric().sample(Contender.KOTLINX, 400), 1);
        report.add(pingpong.metric().sample(Contender.FLOOR, 200), 1);

        String out = print(report);

        assertThat(out.lines().filter(l -> l.startsWith("BENCH "))).contains("BENCH pingpong floor 200 ns/op")
                .allMatch(l -> BENCH.matcher(l).matches());
        assertThat(out).contains("| workload | unit | better | echo | vt | kotlinx | floor | echo / vt | echo / kotlinx | echo / floor |")
                .contains("| pingpong | ns/op | lower | 600 | 500 | 400 | 200 | 1.2 | 1.5 | 3 |");
    }

    /**
     * A workload with a variant this build cannot run. (The test used tcpecho, whose Echo variant
     * was unavailable until Echo had TCP, commit 91332aa; since then the code is right and the
     * test was stale, so it declares its own unavailable variant.)
     */
    private static Workload withUnavailableEcho() {
        return new Workload("tcpecho", "a workload whose Echo variant this build lacks",
                List.of(TcpEcho.RATE, TcpEcho.P99), List.of(Contender.ECHO, Contender.NETTY)) {
            @Override
            Map<Contender, String> unavailable() {
                return Map.of(Contender.ECHO, "no TCP in this build");
            }

            @Override
            List<Sample> measure(Contender contender, Session session, int divisor) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void unavailableVariantIsALineNeverANumber() {
        Report report = new Report();
        Workload tcpecho = withUnavailableEcho();
        report.expect(tcpecho);
        report.add(tcpecho.metric().sample(Contender.NETTY, 100_000), 1);

        String out = print(report);

        assertThat(out).contains("UNAVAILABLE tcpecho echo no TCP in this build")
                .doesNotContain("BENCH tcpecho echo")
                .contains("| tcpecho | req/s | higher | n/a | 100000 | n/a |");
    }

    private static final String WRK_MISSING =
            "wrk not found on the PATH: install it with `apt-get install -y wrk` (./echo.sh bench does, when run as root)";

    @Test
    void httpWorkloadsWithoutWrkAreUnavailableLinesNamingTheInstallCommand() {
        Report report = new Report();
        Workload sleep = HttpWorkload.sleep(() -> HttpWorkload.missingPiece(Wrk.find("/nonexistent/bin"),
                HttpWorkload.contendersJar()));
        report.expect(sleep);

        List<String> lines = print(report).lines().toList();

        assertThat(lines.stream().filter(l -> l.startsWith("UNAVAILABLE ")))
                .containsExactly(
                        "UNAVAILABLE http-sleep echo " + WRK_MISSING,
                        "UNAVAILABLE http-sleep echo-rn-loops " + WRK_MISSING,
                        "UNAVAILABLE http-sleep webflux " + WRK_MISSING,
                        "UNAVAILABLE http-sleep mvc-vt " + WRK_MISSING,
                        "UNAVAILABLE http-sleep webflux-elastic " + WRK_MISSING);
        assertThat(lines).noneMatch(l -> l.startsWith("BENCH "));
    }

    @Test
    void httpFiguresAreBenchLinesWithEchoOverEveryWebContenderAndTheCpuSplitAsANote() {
        Report report = new Report();
        Workload sleep = Workloads.byName("http-sleep");
        report.expect(sleep);
        Metric rate = sleep.metric();
        Metric p99 = sleep.metrics().get(2);
        Metric cpu = sleep.metrics().get(5);
        report.add(rate.sample(Contender.ECHO, 30_000), 1);
        report.add(rate.sample(Contender.WEBFLUX, 28_000), 1);
        report.add(rate.sample(Contender.MVC_VT, 15_000), 1);
        report.add(p99.sample(Contender.ECHO, 40_000), 1);
        report.add(p99.sample(Contender.WEBFLUX, 50_000), 1);
        report.add(cpu.sample(Contender.ECHO, 0.0412), 1);
        report.note("http-*: wrk and the backend on CPU 0, the server on CPU 1 (taskset)");
        report.note("http-*: wrk and the backend on CPU 0, the server on CPU 1 (taskset)");

        String out = print(report);

        assertThat(out.lines().filter(l -> l.startsWith("BENCH "))).containsExactly(
                "BENCH http-sleep echo 30000 req/s", "BENCH http-sleep webflux 28000 req/s",
                "BENCH http-sleep mvc-vt 15000 req/s", "BENCH http-sleep-p99 echo 40000 us",
                "BENCH http-sleep-p99 webflux 50000 us", "BENCH http-sleep-cpu echo 0.0412 s/kreq");
        assertThat(out.lines().filter(l -> l.startsWith("BENCH "))).allMatch(l -> BENCH.matcher(l).matches());
        assertThat(out).contains("| workload | unit | better | echo | webflux | mvc-vt | echo / webflux | echo / mvc-vt |")
                .contains("| http-sleep | req/s | higher | 30000 | 28000 | 15000 | 1.07 | 2 |")
                .contains("| http-sleep-p99 | us | lower | 40000 | 50000 | n/a | 0.8 | n/a |")
                .contains("| http-sleep-p50 | us | lower | n/a | n/a | n/a | n/a | n/a |");
        assertThat(out.lines().filter(l -> l.contains("CPU 0, the server on CPU 1"))).hasSize(1);
    }

    @Test
    void resultLinesRoundTripBetweenChildAndParent() {
        Sample sample = Metric.lower("timers-p99", "ms").sample(Contender.KOTLINX, 3.14159);

        Sample parsed = Sample.parseResultLine(sample.toResultLine());

        assertThat(sample.toResultLine()).isEqualTo("RESULT timers-p99 kotlinx 3.142 ms lower");
        assertThat(parsed.metric()).isEqualTo(sample.metric());
        assertThat(parsed.contender()).isEqualTo(Contender.KOTLINX);
        assertThat(parsed.value()).isEqualTo(3.142);
    }

    @Test
    void valuesArePlainDecimals() {
        assertThat(Format.value(13_128_766.4)).isEqualTo("13128766");
        assertThat(Format.value(563.54)).isEqualTo("563.5");
        assertThat(Format.value(0.000123456)).isEqualTo("0.0001235");
        assertThat(Format.value(5)).isEqualTo("5");
        assertThat(Format.value(0)).isEqualTo("0");
    }
}
