package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the HTTP workloads and the soak read about a server process. */
class ProcStatTest {

    @Test
    void cpuSecondsAreUserPlusSystemTicksEvenWhenTheNameHoldsSpacesAndParentheses() {
        String stat = "18968 (my (odd) java) S 18966 18966 1868 0 -1 4194304 18378 0 0 0 151 24 0 0 20 0 21 0 96011";

        assertThat(ProcStat.parseCpuSeconds(stat)).isEqualTo(1.75);
    }

    @Test
    void ownProcessHasCpuTimeAResidentSetThreadsAndOpenFiles() {
        long self = ProcessHandle.current().pid();

        assertThat(ProcStat.cpuSeconds(self)).isPositive();
        assertThat(ProcStat.rssBytes(self)).isGreaterThan(1024 * 1024);
        assertThat(ProcStat.threads(self)).isGreaterThanOrEqualTo(1);
        assertThat(ProcStat.openFds(self)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void heapUsedIsReadFromGcHeapInfo() {
        String heapInfo = """
                18968:
                garbage-first heap   total reserved 524288K, committed 524288K, used 20525K [0x00000000e0000000, 0x0000000100000000)
                 region size 1024K, 19 young (19456K), 2 survivors (2048K)
                """;

        assertThat(Soak.parseHeapUsed(heapInfo)).isEqualTo(20525);
        assertThatThrownBy(() -> Soak.parseHeapUsed("18968:\nCould not find any"))
                .hasMessageContaining("Could not find any");
    }
}
