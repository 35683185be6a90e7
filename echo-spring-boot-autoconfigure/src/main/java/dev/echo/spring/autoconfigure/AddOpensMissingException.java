package dev.echo.spring.autoconfigure;

/**
 * The JVM was started without the flag that opens {@code java.lang} to Echo, so Echo cannot
 * run tasks on its own virtual-thread scheduler. Reported by {@link AddOpensMissingFailureAnalyzer}.
 */
final class AddOpensMissingException extends IllegalStateException {

    static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    AddOpensMissingException() {
        super("Echo needs the JVM flag " + FLAG + " (java.lang is not open to " + describe(AddOpensMissingException.class.getModule()) + ")");
    }

    /** True when java.lang is open to the module holding Echo's core (the class path's unnamed module, usually). */
    static boolean isOpen() {
        return Object.class.getModule().isOpen("java.lang", dev.echo.runtime.EchoRuntime.class.getModule());
    }

    private static String describe(Module module) {
        return module.isNamed() ? "module " + module.getName() : "the class path (unnamed module)";
    }
}
