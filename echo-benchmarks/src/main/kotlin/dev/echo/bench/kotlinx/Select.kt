package dev.echo.bench.kotlinx

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.selects.selectUnbiased

object KotlinxSelect {
    /**
     * `select` on kotlinx.coroutines: [channels] rendezvous channels, one producer each sending
     * [perProducer] messages `i and 127`, one consumer running `selectUnbiased` over all of them
     * once per message; checks the sum and returns the nanoseconds taken (see SelectFanIn.java).
     */
    @JvmStatic
    fun run(channels: Int, perProducer: Int, expected: Long): Long = runBlocking(Dispatchers.Default) {
        val inputs = List(channels) { Channel<Int>(Channel.RENDEZVOUS) }
        val start = System.nanoTime()
        val producers = inputs.map { channel ->
            launch {
                for (i in 0 until perProducer) channel.send(i and 127)
            }
        }
        var sum = 0L
        repeat(perProducer * channels) {
            sum += selectUnbiased<Int> {
                for (channel in inputs) channel.onReceive { it }
            }
        }
        producers.joinAll()
        val elapsed = System.nanoTime() - start
        check(sum == expected) { "wrong result: select kotlinx: sum $sum" }
        elapsed
    }
}
