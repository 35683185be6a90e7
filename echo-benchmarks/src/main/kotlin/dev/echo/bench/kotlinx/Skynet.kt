package dev.echo.bench.kotlinx

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.runBlocking

private const val FAN_OUT = 10

private suspend fun skynet(num: Long, size: Int): Long {
    if (size == 1) return num
    val child = size / FAN_OUT
    return coroutineScope {
        val children = List(FAN_OUT) { i -> async { skynet(num + i.toLong() * child, child) } }
        var sum = 0L
        for (c in children) sum += c.await()
        sum
    }
}

object KotlinxSkynet {
    /**
     * `skynet` on kotlinx.coroutines: `async` children on Dispatchers.Default; checks the root sum
     * against [expected] and returns the nanoseconds the tree took.
     */
    @JvmStatic
    fun run(leaves: Int, expected: Long): Long = runBlocking(Dispatchers.Default) {
        val start = System.nanoTime()
        val sum = skynet(0, leaves)
        val elapsed = System.nanoTime() - start
        check(sum == expected) { "wrong result: skynet kotlinx: sum $sum" }
        elapsed
    }
}
