package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The output contract, as outside tooling parses it (docs/benchmarks.md, "Output contract"). */
class ReportTest {

    private static final Pattern BENCH = Pattern.compile(
            "BENCH [a-z0-9-]+ (echo|vt|kotlinx|netty) -?[0-9]+(\\.[0-9]+)? (ns/op|ms|msg/s|req/s|bytes/task|us)");

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
    void unavailableVariantIsALineNeverANumber() {
        Report report = new Report();
        Workload tcpecho = Workloads.byName("tcpecho");
        report.expect(tcpecho);
        report.add(tcpecho.metric().sample(Contender.NETTY, 100_000), 1);

        String out = print(report);

        assertThat(out).contains("UNAVAILABLE tcpecho echo ")
                .doesNotContain("BENCH tcpecho echo")
                .contains("| tcpecho | req/s | higher | n/a | 100000 | n/a |");
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
