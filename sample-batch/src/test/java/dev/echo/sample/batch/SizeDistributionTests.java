package dev.echo.sample.batch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SizeDistributionTests {

    @Test
    void percentilesAreNearestRank() {
        int[] sizes = new int[100];
        for (int i = 0; i < 100; i++) {
            sizes[i] = 100 - i; // 100 down to 1
        }

        SizeDistribution distribution = SizeDistribution.of(sizes, 100);

        assertThat(distribution.percentile(50)).isEqualTo(50);
        assertThat(distribution.percentile(99)).isEqualTo(99);
        assertThat(distribution.percentile(100)).isEqualTo(100);
        assertThat(distribution.percentile(0)).isEqualTo(1);
    }

    @Test
    void mergingGivesTheDistributionOfAllTheValues() {
        SizeDistribution a = SizeDistribution.of(new int[] { 5, 1, 5, 9 }, 4);
        SizeDistribution b = SizeDistribution.of(new int[] { 5, 2, 9, 9, 10 }, 5);

        SizeDistribution merged = a.merge(b);

        assertThat(merged.sizes()).containsExactly(1, 2, 5, 9, 10);
        assertThat(merged.counts()).containsExactly(1, 1, 3, 3, 1);
        assertThat(merged).usingRecursiveComparison()
                .isEqualTo(SizeDistribution.of(new int[] { 5, 1, 5, 9, 5, 2, 9, 9, 10 }, 9));
    }

    @Test
    void anEmptyDistributionHasZeroPercentiles() {
        assertThat(SizeDistribution.EMPTY.percentile(50)).isZero();
        assertThat(SizeDistribution.EMPTY.merge(SizeDistribution.EMPTY).sizes()).isEmpty();
    }
}
