package dev.echo.bench.kotlinx

import java.util.concurrent.atomic.LongAdder
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

object KotlinxMpmc {
    /**
     * `mpmc` on kotlinx.coroutines: one `Channel(capacity)`, [producers] and [consumers] launched
     * on Dispatchers.Default, message `i and 127` (a cached box, as in Mpmc.java); the channel is
     * closed once every producer is done. Checks count and sum; returns the nanoseconds taken.
     */
    @JvmStatic
    fun run(capacity: Int, producers: Int, consumers: Int, perProducer: Int, messages: Long, expected: Long): Long =
        runBlocking(Dispatchers.Default) {
            val channel = Channel<Int>(capacity)
            val count = LongAdder()
            val sum = LongAdder()
            val start = System.nanoTime()
            val consumerJobs = List(consumers) {
                launch {
                    var n = 0L
                    var s = 0L
                    for (value in channel) {
                        n++
                        s += value
                    }
                    count.add(n)
                    sum.add(s)
                }
            }
            val producerJobs = List(producers) {
                launch {
                    for (i in 0 until perProducer) channel.send(i and 127)
                }
            }
            producerJobs.joinAll()
            channel.close()
            consumerJobs.joinAll()
            val elapsed = System.nanoTime() - start
            check(count.sum() == messages && sum.sum() == expected) {
                "wrong result: mpmc kotlinx: ${count.sum()} messages, sum ${sum.sum()}"
            }
            elapsed
        }
}
