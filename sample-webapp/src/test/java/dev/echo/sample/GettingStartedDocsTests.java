package dev.echo.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/getting-started.md quotes the sample's sources: every fenced block whose first line names
 * a file ({@code // path}, {@code <!-- path -->}, {@code # path}) must match that file — its lines,
 * leading spaces aside, appear there in the same order and next to each other, except where a
 * {@code …} line marks lines left out.
 */
class GettingStartedDocsTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern BLOCK = Pattern.compile("```(java|xml|yaml)\\n(.*?)```", Pattern.DOTALL);

    private static final Pattern SOURCE = Pattern.compile("^(?://|<!--|#)\\s*(\\S+/\\S+\\.(?:java|xml|yml))\\s*(?:-->)?$");

    @Test
    void everySnippetMatchesTheSampleSourceItNames() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/getting-started.md"));
        Matcher block = BLOCK.matcher(guide);
        int checked = 0;
        while (block.find()) {
            List<String> lines = block.group(2).lines().toList();
            Matcher source = SOURCE.matcher(lines.getFirst().strip());
            if (!source.matches()) {
                continue;
            }
            Path file = ROOT.resolve(source.group(1));
            assertThat(file).as("the file a snippet names").isRegularFile();
            List<String> sourceLines = Files.readAllLines(file).stream().map(String::strip).toList();
            int from = 0;
            for (List<String> fragment : fragments(lines.subList(1, lines.size()))) {
                int at = indexOf(sourceLines, fragment, from);
                assertThat(at).as("in %s, after line %d:%n%s", source.group(1), from, String.join("\n", fragment)).isNotNegative();
                from = at + fragment.size();
            }
            checked++;
        }
        assertThat(checked).as("snippets checked").isGreaterThanOrEqualTo(8);
    }

    /** The snippet's lines, stripped, split where a line is only an elision mark. */
    private static List<List<String>> fragments(List<String> lines) {
        List<List<String>> fragments = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.matches("(//|#|<!--)\\s*…\\s*(-->)?")) {
                if (!current.isEmpty()) {
                    fragments.add(current);
                }
                current = new ArrayList<>();
            }
            else if (!stripped.isEmpty()) {
                current.add(stripped);
            }
        }
        if (!current.isEmpty()) {
            fragments.add(current);
        }
        return fragments;
    }

    private static int indexOf(List<String> source, List<String> fragment, int from) {
        List<String> nonBlank = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            if (!source.get(i).isEmpty()) {
                nonBlank.add(source.get(i));
                positions.add(i);
            }
        }
        for (int start = 0; start + fragment.size() <= nonBlank.size(); start++) {
            if (positions.get(start) >= from && nonBlank.subList(start, start + fragment.size()).equals(fragment)) {
                return positions.get(start);
            }
        }
        return -1;
    }
}
