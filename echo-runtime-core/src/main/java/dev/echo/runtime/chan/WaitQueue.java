package dev.echo.runtime.chan;

/**
 * A FIFO of parked senders or of parked receivers on one channel ({@code recvq} / {@code sendq}
 * in Go's {@code hchan}): an intrusive doubly linked list of {@link WaitNode}s, so that a waiter
 * that times out, is cancelled, or lost a select can unlink its node in O(1).
 *
 * <p>Not thread-safe: every method must be called with the owning channel's lock held.
 */
final class WaitQueue {

    private WaitNode head;
    private WaitNode tail;
    private int size;

    void addLast(WaitNode node) {
        node.linked = true;
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        size++;
    }

    /** Unlinks and returns the oldest node, or null if the queue is empty. */
    WaitNode pollFirst() {
        WaitNode node = head;
        if (node != null) {
            unlink(node);
        }
        return node;
    }

    /** Unlinks {@code node} if it is still in this queue; a no-op otherwise. */
    void remove(WaitNode node) {
        if (node.linked) {
            unlink(node);
        }
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    private void unlink(WaitNode node) {
        WaitNode prev = node.prev;
        WaitNode next = node.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
        size--;
    }
}
