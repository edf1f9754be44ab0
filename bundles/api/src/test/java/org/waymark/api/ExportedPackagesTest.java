package org.waymark.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Until the first release gives bnd baseline something to compare with, every API package must say by hand that it is
 * exported and at which semantic version, so plugins built against it resolve exactly what they were built for.
 */
class ExportedPackagesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/waymark/api");
    private static final Pattern VERSION = Pattern.compile("@org\\.osgi\\.annotation\\.versioning\\.Version\\(\"(\\d+)\\.(\\d+)\\.(\\d+)\"\\)");

    @Test
    void everyApiPackageIsExportedWithAnExplicitSemanticVersion() throws IOException {
        List<Path> packages;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            packages = walk.filter(Files::isDirectory).filter(ExportedPackagesTest::holdsClasses).toList();
        }
        assertThat(packages).as("API packages found under %s", SOURCES).hasSizeGreaterThan(10);
        for (Path pkg : packages) {
            Path info = pkg.resolve("package-info.java");
            assertThat(info).as("%s needs a package-info.java", pkg).exists();
            String text = Files.readString(info);
            assertThat(text).as("%s is exported", pkg).contains("@org.osgi.annotation.bundle.Export");
            assertThat(VERSION.matcher(text).find()).as("%s has a major.minor.micro version", pkg).isTrue();
        }
    }

    @Test
    void noImplementationPackagesHideInTheApi() throws IOException {
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            assertThat(walk.filter(Files::isDirectory).map(Path::toString)).noneMatch(p -> p.contains("internal") || p.contains("impl"));
        }
    }

    private static boolean holdsClasses(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("package-info.java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
