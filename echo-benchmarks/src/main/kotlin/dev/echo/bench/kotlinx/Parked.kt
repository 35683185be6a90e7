package dev.echo.bench.kotlinx

import java.util.concurrent.atomic.AtomicInteger
import java.util.function.Supplier
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

object KotlinxParked {
    /**
     * `parked` on kotlinx.coroutines: [n] coroutines each suspended in `receive()` on its own
     * rendezvous channel; returns the growth of {heap after GC, RSS} in bytes, as [footprint]
     * reads them (Footprint.afterGc in Java), then releases and joins them all (see Parked.java).
     */
    @JvmStatic
    fun run(n: Int, footprint: Supplier<LongArray>): LongArray = runBlocking(Dispatchers.Default) {
        val base = footprint.get()
        val arrived = AtomicInteger()
        val released = AtomicInteger()
        val channels = ArrayList<Channel<Int>>(n)
        val jobs = ArrayList<Job>(n)
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
        val after = footprint.get()
        for (channel in channels) channel.send(1)
        for (job in jobs) job.join()
        check(released.get() == n) { "wrong result: parked kotlinx: ${released.get()} of $n released" }
        longArrayOf(after[0] - base[0], after[1] - base[1])
    }
}
