package dev.echo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line describing where a run happened: JDK, CPUs, memory, OS. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        Runtime.Version version = Runtime.version();
        return String.format(Locale.ROOT, "JDK %s (%s), %d CPUs, %s memory, %s %s %s", version,
                System.getProperty("java.vm.vendor"), Runtime.getRuntime().availableProcessors(),
                memory(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return "unknown";
    }
}
