package dev.echo.runtime.api;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API baseline: the public surface of the exported packages, rendered one signature per
 * line, must equal {@value #BASELINE}. A change to the public API fails the build until the
 * baseline is updated on purpose — run
 * {@code ./echo.sh mvn -pl echo-runtime-core test -Dtest=PublicApiTest -Decho.api.update=true}
 * and commit the file's diff with the change, so that every API change is a reviewed line in a
 * commit (as Kotlin's binary-compatibility validator and japicmp do).
 *
 * <p>Also the rules of a public API with no internals in it: outside {@code spi}, no public
 * signature shows an SPI type (users meet {@code Channel} and {@code EchoFuture}, not their
 * parking machinery), none shows {@code dev.echo.runtime.internal}, and Netty's types appear
 * only in {@code NettyInterop}.
 */
class PublicApiTest {

    static final String BASELINE = "api/echo-runtime-core.api";

    /** The packages the module exports (module-info.java), in the order they are printed. */
    static final List<String> EXPORTED = List.of("dev.echo.runtime", "dev.echo.runtime.chan", "dev.echo.runtime.net",
            "dev.echo.runtime.sync", "dev.echo.runtime.reactive", "dev.echo.runtime.spi");

    @Test
    void thePublicApiIsTheBaseline() throws IOException {
        String current = String.join("\n", render()) + "\n";
        Path baseline = Path.of(BASELINE);
        if (Boolean.getBoolean("echo.api.update")) {
            Files.createDirectories(baseline.getParent());
            Files.writeString(baseline, current, StandardCharsets.UTF_8);
        }
        assertThat(baseline).as("the API baseline %s (create it with -Decho.api.update=true)", baseline.toAbsolutePath()).exists();
        assertThat(current)
            .as("the public API differs from %s: if the change is planned, run ./echo.sh mvn -pl echo-runtime-core test "
                    + "-Dtest=PublicApiTest -Decho.api.update=true and commit the baseline's diff with it", BASELINE)
            .isEqualTo(Files.readString(baseline, StandardCharsets.UTF_8));
    }

    @Test
    void noUserFacingSignatureShowsTheSpiTheInternalsOrNetty() throws IOException {
        List<String> offending = new ArrayList<>();
        for (String line : render()) {
            boolean spi = line.startsWith("dev.echo.runtime.spi.");
            boolean nettyInterop = line.startsWith("dev.echo.runtime.NettyInterop");
            String signature = line.substring(line.indexOf(' ') + 1);
            if (signature.contains("dev.echo.runtime.internal.")
                    || (!spi && signature.contains("dev.echo.runtime.spi."))
                    || (!nettyInterop && signature.contains("io.netty."))) {
                offending.add(line);
            }
        }
        assertThat(offending).as("public signatures that leak internals, the SPI or Netty into the user API").isEmpty();
    }

    /** One line per public type and per public or protected member, prefixed by its type's name; sorted. */
    static List<String> render() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String pkg : EXPORTED) {
            Set<String> typeLines = new TreeSet<>();
            for (Class<?> type : publicTypes(pkg)) {
                String owner = type.getName();
                typeLines.add(owner + " " + describeType(type));
                for (Constructor<?> c : type.getDeclaredConstructors()) {
                    if (visible(type, c)) {
                        typeLines.add(owner + " " + c.toGenericString());
                    }
                }
                for (Method m : type.getDeclaredMethods()) {
                    if (visible(type, m) && !m.isSynthetic() && !m.isBridge()) {
                        typeLines.add(owner + " " + m.toGenericString());
                    }
                }
                for (Field f : type.getDeclaredFields()) {
                    if (visible(type, f) && !f.isSynthetic()) {
                        typeLines.add(owner + " " + f.toGenericString());
                    }
                }
            }
            lines.addAll(typeLines);
        }
        return lines;
    }

    private static boolean visible(Class<?> type, Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && !Modifier.isFinal(type.getModifiers()));
    }

    private static String describeType(Class<?> type) {
        StringBuilder line = new StringBuilder(type.toGenericString());
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            line.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        var interfaces = type.getGenericInterfaces();
        for (int i = 0; i < interfaces.length; i++) {
            line.append(i == 0 ? (type.isInterface() ? " extends " : " implements ") : ", ").append(interfaces[i].getTypeName());
        }
        return line.toString();
    }

    /** The public types of {@code pkg} (nested ones whose every enclosing type is public too), from the compiled classes. */
    private static List<Class<?>> publicTypes(String pkg) throws IOException {
        Path dir = Path.of("target/classes", pkg.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class") || name.equals("package-info.class") || name.equals("module-info.class")) {
                    continue;
                }
                Class<?> type = load(pkg + "." + name.substring(0, name.length() - ".class".length()));
                if (type != null && isPubliclyReachable(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    private static boolean isPubliclyReachable(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicApiTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new AssertionError("cannot load " + name + " to read its API", e);
        }
    }
}
