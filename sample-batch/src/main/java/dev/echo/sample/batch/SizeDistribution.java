package dev.echo.sample.batch;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Response sizes, exactly: each distinct size once, ascending, with how often it occurred.
 * Exact percentiles merge exactly (a partition's distribution is as good as the whole file's),
 * and the form stays small because sizes repeat (an asset has one size, an error page another).
 *
 * @param sizes  distinct sizes, ascending
 * @param counts how often each occurred, index for index
 */
record SizeDistribution(int[] sizes, long[] counts) implements Serializable {

    static final SizeDistribution EMPTY = new SizeDistribution(new int[0], new long[0]);

    /** The distribution of the first {@code n} of {@code values} (which it sorts in place). */
    static SizeDistribution of(int[] values, int n) {
        Arrays.sort(values, 0, n);
        int[] sizes = new int[n];
        long[] counts = new long[n];
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (distinct > 0 && sizes[distinct - 1] == values[i]) {
                counts[distinct - 1]++;
            } else {
                sizes[distinct] = values[i];
                counts[distinct++] = 1;
            }
        }
        return new SizeDistribution(Arrays.copyOf(sizes, distinct), Arrays.copyOf(counts, distinct));
    }

    SizeDistribution merge(SizeDistribution other) {
        int[] sizes = new int[this.sizes.length + other.sizes.length];
        long[] counts = new long[sizes.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < this.sizes.length || j < other.sizes.length) {
            int next = j == other.sizes.length || (i < this.sizes.length && this.sizes[i] <= other.sizes[j])
                    ? this.sizes[i] : other.sizes[j];
            long count = 0;
            if (i < this.sizes.length && this.sizes[i] == next) {
                count += this.counts[i++];
            }
            if (j < other.sizes.length && other.sizes[j] == next) {
                count += other.counts[j++];
            }
            sizes[n] = next;
            counts[n++] = count;
        }
        return new SizeDistribution(Arrays.copyOf(sizes, n), Arrays.copyOf(counts, n));
    }

    /**
     * The nearest-rank percentile: the smallest size that at least {@code percent}% of the
     * responses do not exceed; 0 when there are none.
     */
    int percentile(double percent) {
        long total = Arrays.stream(counts).sum();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100 * total));
        long seen = 0;
        for (int k = 0; k < sizes.length; k++) {
            seen += counts[k];
            if (seen >= rank) {
                return sizes[k];
            }
        }
        return sizes[sizes.length - 1];
    }
}
