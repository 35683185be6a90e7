/**
 * Not API: how Echo's own packages reach the runtime's package-private machinery. Not exported
 * by the {@code dev.echo.runtime} module; on the class path its types are public only because
 * Java has no other way across packages. Applications and integrators must not use it.
 */
package dev.echo.runtime.internal;
