package dev.echo.runtime.internal;

/**
 * The installed {@link RuntimeAccess} as a constant the JIT folds: initialising this class
 * initialises {@code dev.echo.runtime}'s parking class, which installs the implementation.
 */
final class Loaded {

    /** The class whose static initialiser installs the implementation. */
    private static final String INSTALLER = "dev.echo.runtime.Parker";

    static final RuntimeAccess INSTANCE;

    static {
        RuntimeAccess access = Installed.value();
        if (access == null) {
            try {
                Class.forName(INSTALLER, true, Loaded.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new ExceptionInInitializerError(e);
            }
            access = Installed.value();
        }
        if (access == null) {
            throw new IllegalStateException(INSTALLER + " did not install the runtime's access");
        }
        INSTANCE = access;
    }

    private Loaded() {
    }
}
