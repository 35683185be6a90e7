package dev.echo.bench.kotlinx

import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.consumeAsFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.reactor.asFlux
import reactor.core.publisher.Flux

object KotlinxChannelFlux {
    /**
     * `reactive-stream` on kotlinx: a producer coroutine on Dispatchers.Default sends 0 until [n]
     * into `Channel(buffer)`, and the channel is consumed as a Flux with
     * `consumeAsFlow().asFlux()`, kotlinx's replacement for the deprecated `asFlux` (see
     * ReactiveStream.java).
     */
    @OptIn(DelicateCoroutinesApi::class)
    @JvmStatic
    fun flux(n: Int, buffer: Int): Flux<Int> {
        val channel = Channel<Int>(buffer)
        GlobalScope.launch(Dispatchers.Default) {
            for (i in 0 until n) channel.send(i)
            channel.close()
        }
        return channel.consumeAsFlow().asFlux()
    }
}
