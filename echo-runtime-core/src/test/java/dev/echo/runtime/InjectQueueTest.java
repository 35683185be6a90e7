package dev.echo.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InjectQueueTest {

    private record Numbered(int n) implements Runnable {
        @Override
        public void run() {
        }
    }

    private static List<Integer> drain(InjectQueue queue) {
        List<Integer> order = new ArrayList<>();
        Runnable r;
        while ((r = queue.poll()) != null) {
            order.add(((Numbered) r).n());
        }
        return order;
    }

    @Test
    void urgentTasksAreTakenFirstAndEachRingKeepsItsOrder() {
        InjectQueue queue = new InjectQueue();
        queue.push(new Numbered(1));
        queue.pushUrgent(new Numbered(10));
        queue.pushBatch(new Runnable[] {new Numbered(2), new Numbered(3)}, 2);
        queue.pushUrgent(new Numbered(11));
        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.pushes()).isEqualTo(5);
        assertThat(drain(queue)).containsExactly(10, 11, 1, 2, 3);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void bothRingsGrowPastTheirFirstCapacityInOrder() {
        InjectQueue queue = new InjectQueue();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            queue.pushUrgent(new Numbered(i));
            expected.add(i);
        }
        for (int i = 0; i < 3000; i++) {
            queue.push(new Numbered(10_000 + i));
        }
        for (int i = 0; i < 3000; i++) {
            expected.add(10_000 + i);
        }
        assertThat(drain(queue)).isEqualTo(expected);
    }
}
