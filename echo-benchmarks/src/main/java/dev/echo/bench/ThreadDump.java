package dev.echo.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** A thread dump of this JVM, virtual threads included, for a measurement that hung. */
final class ThreadDump {

    private ThreadDump() {
    }

    /** Writes the dump into the temporary directory; returns a phrase saying where, or why not. */
    static String write(String what) {
        try {
            Path file = Files.createTempFile("echo-bench-" + what + "-" + ProcessHandle.current().pid() + "-", ".threads.txt");
            Files.delete(file); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return "thread dump in " + file;
        } catch (IOException | RuntimeException e) {
            return "no thread dump (" + e + ")";
        }
    }
}
