package dev.echo.bench.kotlinx

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/** The token of the ring: hops still to go; only its holder touches it. */
private class Token(var remaining: Int)

private val STOP = Token(-1)

object KotlinxThreadRing {
    /**
     * `threadring` on kotlinx.coroutines: [ring] coroutines in a ring of rendezvous channels pass a
     * token [hops] times; returns the nanoseconds from the first send until every coroutine ended
     * (protocol and check as in ThreadRing.java).
     */
    @JvmStatic
    fun run(ring: Int, hops: Int): Long = runBlocking(Dispatchers.Default) {
        val channels = List(ring) { Channel<Token>(Channel.RENDEZVOUS) }
        var finisher = -1
        val jobs = List(ring) { self ->
            val input = channels[self]
            val output = channels[(self + 1) % ring]
            launch {
                var finished = false
                while (true) {
                    val token = input.receive()
                    if (token === STOP) {
                        if (!finished) output.send(STOP)
                        break
                    }
                    if (token.remaining == 0) {
                        finished = true
                        finisher = self // read after joinAll, which orders it
                        output.send(STOP)
                    } else {
                        token.remaining--
                        output.send(token)
                    }
                }
            }
        }
        val start = System.nanoTime()
        channels[0].send(Token(hops))
        jobs.joinAll()
        val elapsed = System.nanoTime() - start
        check(finisher == hops % ring) { "wrong result: threadring kotlinx: finished at $finisher" }
        elapsed
    }
}
