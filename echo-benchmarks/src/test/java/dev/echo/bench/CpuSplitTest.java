package dev.echo.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the HTTP workloads split the CPUs between wrk and the server, and the report's note on it. */
class CpuSplitTest {

    @Test
    void twoCpusGiveOneToTheLoadAndOneToTheServer() {
        CpuSplit split = CpuSplit.of(List.of(0, 1), true);

        assertThat(split.load()).containsExactly(0);
        assertThat(split.server()).containsExactly(1);
        assertThat(split.prefix(split.server())).containsExactly("/usr/bin/taskset", "-c", "1");
        assertThat(split.describe()).isEqualTo("wrk and the backend on CPU 0, the server on CPU 1 (taskset)");
    }

    @Test
    void eightCpusGiveAQuarterToTheLoad() {
        CpuSplit split = CpuSplit.of(CpuSplit.parseList("0-7"), true);

        assertThat(split.load()).containsExactly(0, 1);
        assertThat(split.server()).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(split.prefix(split.load())).containsExactly("/usr/bin/taskset", "-c", "0,1");
    }

    @Test
    void oneCpuOrNoTasksetPinsNothing() {
        CpuSplit one = CpuSplit.of(List.of(3), true);
        CpuSplit noTaskset = CpuSplit.of(List.of(0, 1), false);

        assertThat(one.prefix(one.server())).isEmpty();
        assertThat(one.describe()).isEqualTo("wrk, the backend and the server share CPUs 3 (not pinned: one CPU)");
        assertThat(noTaskset.prefix(noTaskset.load())).isEmpty();
        assertThat(noTaskset.describe()).contains("not pinned: no taskset");
    }

    @Test
    void kernelCpuListsWithRangesAndSinglesAreRead() {
        assertThat(CpuSplit.parseList(" 0-2,5,8-9\n")).containsExactly(0, 1, 2, 5, 8, 9);
    }
}
