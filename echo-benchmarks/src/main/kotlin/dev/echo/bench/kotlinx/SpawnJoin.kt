package dev.echo.bench.kotlinx

import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking

object KotlinxSpawnJoin {
    /**
     * `spawnjoin` on kotlinx.coroutines: [n] `async { i }` on Dispatchers.Default, then each
     * awaited in order; checks the sum against [expected] and returns the nanoseconds taken.
     */
    @JvmStatic
    fun run(n: Int, expected: Long): Long = runBlocking(Dispatchers.Default) {
        val tasks = arrayOfNulls<Deferred<Int>>(n)
        val start = System.nanoTime()
        for (i in 0 until n) {
            tasks[i] = async { i }
        }
        var sum = 0L
        for (task in tasks) {
            sum += task!!.await()
        }
        val elapsed = System.nanoTime() - start
        check(sum == expected) { "wrong result: spawnjoin kotlinx: sum $sum" }
        elapsed
    }
}
