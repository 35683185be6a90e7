package dev.echo.bench.kotlinx

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

object KotlinxPingPong {
    /**
     * `pingpong` on kotlinx.coroutines: the main coroutine pings, a launched one pongs, over two
     * rendezvous channels; returns the nanoseconds of [n] round trips (see PingPong.java).
     */
    @JvmStatic
    fun run(n: Int): Long = runBlocking(Dispatchers.Default) {
        val ping = Channel<IntArray>(Channel.RENDEZVOUS)
        val pong = Channel<IntArray>(Channel.RENDEZVOUS)
        val ponger = launch {
            repeat(n) {
                val ball = ping.receive()
                ball[0]++
                pong.send(ball)
            }
        }
        val ball = IntArray(1)
        val start = System.nanoTime()
        repeat(n) {
            ping.send(ball)
            pong.receive()
        }
        val elapsed = System.nanoTime() - start
        ponger.join()
        check(ball[0] == n) { "wrong result: pingpong kotlinx: ${ball[0]} hits of $n" }
        elapsed
    }
}
