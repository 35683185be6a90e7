package dev.echo.runtime.chan;

/**
 * One registration of a {@link Waiter} in one channel's queue of parked senders or parked
 * receivers: Go's {@code sudog}. A plain send or receive has one node; a select has one per case.
 *
 * <p>Fields and their owners:
 * <ul>
 *   <li>{@link #item} of a send node: the value offered. Written by the waiter before it
 *       enqueues the node, read by the counterpart under the channel lock (the lock publishes it).
 *   <li>{@link #item} and {@link #closed} of a receive node, and {@link #closed} of a send node:
 *       the outcome. Written only by the party that has just unlinked the node under the channel
 *       lock, before its claim CAS on {@link Waiter}; the waiter reads them only after it has read
 *       its state and found this node's index there (the CAS is the release, that read the
 *       acquire). A party whose claim fails leaves garbage here that no one reads.
 *   <li>{@link #prev}, {@link #next}, {@link #linked}: the queue links, guarded by the channel lock
 *       ({@link WaitQueue}).
 * </ul>
 */
final class WaitNode {

    final Waiter waiter;
    /** This node's case index: the value {@link Waiter}'s state takes if this node wins. */
    final int index;
    final Channel<?> channel;
    final boolean send;

    Object item;
    boolean closed;

    WaitNode prev;
    WaitNode next;
    boolean linked;

    WaitNode(Waiter waiter, int index, Channel<?> channel, boolean send, Object item) {
        this.waiter = waiter;
        this.index = index;
        this.channel = channel;
        this.send = send;
        this.item = item;
    }
}
