package dev.echo.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ./echo.sh <command>} that README.md and docs/ mention is one {@code echo.sh}
 * accepts ({@code ./echo.sh commands} lists them), and the README's first command starts the
 * web sample.
 */
class DocumentedCommandsTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern COMMAND = Pattern.compile("\\./echo\\.sh\\s+([a-z][a-z-]*)");

    @Test
    void everyEchoShCommandInTheReadmeAndDocsIsOneItAccepts() throws IOException, InterruptedException {
        Set<String> accepted = acceptedCommands();
        assertThat(accepted).contains("run", "test", "example", "bench", "mvn");
        List<Path> documents = new ArrayList<>();
        documents.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter((doc) -> doc.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        Set<String> mentioned = new LinkedHashSet<>();
        for (Path document : documents) {
            Matcher command = COMMAND.matcher(Files.readString(document));
            while (command.find()) {
                assertThat(accepted).as("'./echo.sh %s' in %s", command.group(1), ROOT.relativize(document)).contains(command.group(1));
                mentioned.add(command.group(1));
            }
        }
        assertThat(mentioned).contains("run", "test", "example");
    }

    @Test
    void theReadmesFirstCommandStartsTheWebSampleAndTheSecondRunsTheTests() throws IOException {
        Matcher command = COMMAND.matcher(Files.readString(ROOT.resolve("README.md")));
        Set<String> inOrder = new LinkedHashSet<>();
        while (command.find()) {
            inOrder.add(command.group(1));
        }
        assertThat(List.copyOf(inOrder)).startsWith("run", "test");
    }

    private static Set<String> acceptedCommands() throws IOException, InterruptedException {
        Process echoSh = new ProcessBuilder("bash", ROOT.resolve("echo.sh").toString(), "commands")
            .redirectErrorStream(true).start();
        String out = new String(echoSh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(echoSh.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(echoSh.exitValue()).as(out).isZero();
        return new LinkedHashSet<>(out.lines().map(String::strip).filter((line) -> !line.isEmpty()).toList());
    }
}
