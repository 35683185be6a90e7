package dev.echo.bench.kotlinx

import java.lang.management.ManagementFactory
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

private fun heapUsed(): Long = ManagementFactory.getMemoryMXBean().heapMemoryUsage.used

private fun rss(): Long =
    try {
        Files.readAllLines(Path.of("/proc/self/status")).firstOrNull { it.startsWith("VmRSS:") }
            ?.filter { it.isDigit() }?.toLong()?.times(1024) ?: -1
    } catch (e: Exception) {
        -1
    }

/** Heap after a full GC (repeated until stable) and RSS, as Footprint.afterGc() in Java. */
private fun footprint(): LongArray {
    var previous = Long.MAX_VALUE
    for (i in 0 until 10) {
        System.gc()
        Thread.sleep(20)
        val used = heapUsed()
        if (used >= previous - previous / 1000) break
        previous = used
    }
    return longArrayOf(heapUsed(), rss())
}

object KotlinxParked {
    /**
     * `parked` on kotlinx.coroutines: [n] coroutines each suspended in `receive()` on its own
     * rendezvous channel; returns the growth of {heap after GC, RSS} in bytes, then releases and
     * joins them all (see Parked.java).
     */
    @JvmStatic
    fun run(n: Int): LongArray = runBlocking(Dispatchers.Default) {
        val base = footprint()
        val arrived = AtomicInteger()
        val released = AtomicInteger()
        val channels = ArrayList<Channel<Int>>(n)
        val jobs = ArrayList<kotlinx.coroutines.Job>(n)
        repeat(n) {
            val channel = Channel<Int>(Channel.RENDEZVOUS)
            channels.add(channel)
            jobs.add(launch {
                arrived.incrementAndGet()
                released.addAndGet(channel.receive())
            })
        }
        while (arrived.get() < n) delay(5)
        delay(200) // the last arrivals reach their suspension point
        val after = footprint()
        for (channel in channels) channel.send(1)
        for (job in jobs) job.join()
        check(released.get() == n) { "wrong result: parked kotlinx: ${released.get()} of $n released" }
        longArrayOf(after[0] - base[0], after[1] - base[1])
    }
}
