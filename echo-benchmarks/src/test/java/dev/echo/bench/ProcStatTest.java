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

    @Test
    void acceptQueueIsTheRxQueueOfTheListenEntryForThePort() {
        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:2383 00000000:0000 0A 00000000:00000745 00:00000000 00000000     0        0 1 1
                   1: 0100007F:2383 0100007F:D2A0 01 00000000:00000000 00:00000000 00000000     0        0 2 1
                   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1
                """;

        assertThat(ProcStat.parseAcceptQueue(tcp, 0x2383)).isEqualTo(0x745);
        assertThat(ProcStat.parseAcceptQueue(tcp, 8080)).isZero();
        assertThat(ProcStat.parseAcceptQueue(tcp, 9)).isEqualTo(-1);
    }

    @Test
    void aDualStackListenerIsFoundInTcp6() {
        String tcp6 = """
                  sl  local_address                         remote_address                        st tx_queue rx_queue
                   0: 0000000000000000FFFF00000100007F:9321 00000000000000000000000000000000:0000 0A 00000000:00000010 00:00000000
                """;

        assertThat(ProcStat.parseAcceptQueue(tcp6, 0x9321)).isEqualTo(16);
    }
}
