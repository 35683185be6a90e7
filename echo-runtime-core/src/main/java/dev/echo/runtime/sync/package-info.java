/**
 * Synchronisation that parks through Echo: {@link dev.echo.runtime.sync.Mutex},
 * {@link dev.echo.runtime.sync.Semaphore}, {@link dev.echo.runtime.sync.WaitGroup},
 * {@link dev.echo.runtime.sync.RWMutex}, {@link dev.echo.runtime.sync.Lazy}. Each wait is
 * cancellable, bounded by scope deadlines, visible to deadlock detection and to
 * {@code Task.describe()} with what it waits on, and works on plain threads too.
 */
package dev.echo.runtime.sync;
