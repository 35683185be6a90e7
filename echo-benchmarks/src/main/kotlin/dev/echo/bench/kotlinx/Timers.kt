package dev.echo.bench.kotlinx

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

object KotlinxTimers {
    /**
     * `timers` on kotlinx.coroutines: one coroutine per entry of [millis] that `delay`s that long
     * and writes its lateness (ns) into [lateness]; returns the wall nanoseconds from the first
     * launch until all ended (see Timers.java).
     */
    @JvmStatic
    fun run(millis: IntArray, lateness: LongArray): Long = runBlocking(Dispatchers.Default) {
        val start = System.nanoTime()
        val jobs = arrayOfNulls<Job>(millis.size)
        for (i in millis.indices) {
            jobs[i] = launch {
                val wake = System.nanoTime() + millis[i] * 1_000_000L
                delay(millis[i].toLong())
                lateness[i] = System.nanoTime() - wake
            }
        }
        for (job in jobs) job!!.join()
        System.nanoTime() - start
    }
}
