package dev.echo.runtime.internal;

import java.util.Objects;

/**
 * Holds the installed {@link RuntimeAccess}. Separate from {@link Loaded} so that installing
 * (from {@code dev.echo.runtime}'s static initialiser) never runs the loading logic, which
 * would recurse into that same, still-running initialiser and see nothing installed.
 */
final class Installed {

    private static volatile RuntimeAccess value;

    private Installed() {
    }

    static synchronized void set(RuntimeAccess access) {
        Objects.requireNonNull(access, "access");
        if (value != null) {
            throw new IllegalStateException("the runtime's access is already installed: " + value);
        }
        value = access;
    }

    static RuntimeAccess value() {
        return value;
    }
}
