package dev.echo.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md lists every property exactly as the configuration processor's metadata
 * has it (name, type, default, description), and nothing else.
 */
class ConfigurationDocsTests {

    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

    private static final Path DOCS = Path.of("../docs/configuration.md");

    private static final Pattern ROW = Pattern.compile("^\\| `((?:echo|management\\.(?:health|endpoint)\\.echo)\\.[a-z.-]+)` \\| (.+?) \\| (.+?) \\| (.+) \\|$", Pattern.MULTILINE);

    @Test
    void documentsEveryPropertyAsTheGeneratedMetadataDescribesIt() throws IOException {
        Map<String, Object> metadata = JsonParserFactory.getJsonParser().parseMap(Files.readString(METADATA));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
        Map<String, String[]> documented = documentedRows();
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(properties.stream().map((p) -> (String) p.get("name")).toList());
        for (Map<String, Object> property : properties) {
            String name = (String) property.get("name");
            String[] row = documented.get(name);
            String type = (String) property.get("type");
            assertThat(row[0]).as("type of %s", name).startsWith(type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1));
            Object defaultValue = property.get("defaultValue");
            if (defaultValue != null) {
                assertThat(row[1]).as("default of %s", name).isEqualTo("`" + defaultValue + "`");
            }
            else {
                assertThat(row[1]).as("default of %s", name).doesNotContain("`");
            }
            assertThat(row[2]).as("description of %s", name).isEqualTo(property.get("description"));
        }
    }

    private static Map<String, String[]> documentedRows() throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        Matcher matcher = ROW.matcher(Files.readString(DOCS));
        while (matcher.find()) {
            assertThat(rows.put(matcher.group(1), new String[] { matcher.group(2), matcher.group(3), matcher.group(4) }))
                .as("%s listed once", matcher.group(1)).isNull();
        }
        return rows;
    }
}
