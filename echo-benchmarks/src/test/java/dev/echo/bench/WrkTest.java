package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reading wrk's output (captured from wrk 4.1.0 on this project's machines) into the HTTP workloads' figures. */
class WrkTest {

    /** wrk -t1 -c1000 -d5s --latency -s (the done hook): a loaded machine, with timeouts. */
    static final String WITH_HOOK = """
            Running 5s test @ http://127.0.0.1:9101/sleep
              1 threads and 1000 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    83.30ms   29.28ms 147.19ms   59.93%
                Req/Sec     1.05k   477.05     1.94k    69.57%
              Latency Distribution
                 50%   83.59ms
                 75%  101.48ms
                 90%  125.57ms
                 99%  145.70ms
              2421 requests in 5.03s, 231.70KB read
              Socket errors: connect 0, read 0, write 0, timeout 150
            Requests/sec:    480.99
            Transfer/sec:     46.03KB
            ECHO-WRK requests=2421 duration_us=5033378 connect=0 read=0 write=0 status=0 timeout=150 p50_us=83591 p90_us=125570 p99_us=145698 p999_us=147145 max_us=147189
            """;

    /** Plain wrk --latency, no hook: microsecond and millisecond percentiles, non-2xx responses, no socket errors line. */
    static final String WITHOUT_HOOK = """
            Running 10s test @ http://127.0.0.1:8080/hello
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   605.59us  357.53us  12.28ms   88.25%
                Req/Sec    53.13k     4.03k   60.09k    72.00%
              Latency Distribution
                 50%  537.00us
                 75%  712.00us
                 90%    0.93ms
                 99%    1.83ms
              528784 requests in 10.00s, 66.57MB read
              Non-2xx or 3xx responses: 12
            Requests/sec:  52867.51
            Transfer/sec:      6.65MB
            """;

    @Test
    void theHookLineGivesExactPercentilesIncludingP999AndTheErrorCounts() {
        Wrk.Result result = Wrk.parse(WITH_HOOK);

        assertThat(result.requests()).isEqualTo(2421);
        assertThat(result.seconds()).isCloseTo(5.03, within(1e-9));
        assertThat(result.requestsPerSecond()).isEqualTo(480.99);
        assertThat(result.p50Micros()).isEqualTo(83591);
        assertThat(result.p90Micros()).isEqualTo(125570);
        assertThat(result.p99Micros()).isEqualTo(145698);
        assertThat(result.p999Micros()).isEqualTo(147145);
        assertThat(result.timeouts()).isEqualTo(150);
        assertThat(result.errors()).isEqualTo(150);
        assertThat(result.describeErrors()).isEqualTo("connect 0, read 0, write 0, timeout 150, non-2xx 0");
    }

    @Test
    void withoutTheHookPercentilesComeFromTheLatencyDistributionInTheirUnitsAndP999IsMissing() {
        Wrk.Result result = Wrk.parse(WITHOUT_HOOK);

        assertThat(result.requests()).isEqualTo(528784);
        assertThat(result.requestsPerSecond()).isEqualTo(52867.51);
        assertThat(result.p50Micros()).isEqualTo(537.0);
        assertThat(result.p90Micros()).isCloseTo(930.0, within(1e-9));
        assertThat(result.p99Micros()).isCloseTo(1830.0, within(1e-9));
        assertThat(result.p999Micros()).isNaN();
        assertThat(result.non2xx()).isEqualTo(12);
        assertThat(result.errors()).isEqualTo(12);
    }

    @Test
    void outputThatIsNotAWrkReportIsRejectedWithTheOutputInTheMessage() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:9:Connection refused"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void aMalformedHookFieldIsNamed() {
        assertThatThrownBy(() -> Wrk.parse(WITHOUT_HOOK + "ECHO-WRK requests=1 oops\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'oops'");
    }

    @Test
    void findLooksOnlyInThePathItIsGiven() {
        assertThat(Wrk.find("/nonexistent/bin:/also/missing")).isEmpty();
        assertThat(Wrk.find(null)).isEmpty();
    }
}
