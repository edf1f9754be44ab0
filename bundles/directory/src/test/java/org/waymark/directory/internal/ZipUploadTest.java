package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waymark.api.error.WaymarkException;

class ZipUploadTest {
    private static final ZipUpload.Limits DEFAULTS = ZipUpload.Limits.of(100);
    @TempDir
    Path folder;

    @Test
    void aDataPackageIsUnzippedWithItsFolders() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/", new byte[0]);
        entries.put("package/datapackage.json", "{\"resources\": []}".getBytes(StandardCharsets.UTF_8));
        entries.put("package/csv/services.csv", "id,name\n".getBytes(StandardCharsets.UTF_8));

        ZipUpload.unzip(new ByteArrayInputStream(zip(entries)), folder, DEFAULTS);

        assertThat(folder.resolve("package/datapackage.json")).hasContent("{\"resources\": []}");
        assertThat(folder.resolve("package/csv/services.csv")).exists();
    }

    @Test
    void duplicateOrConflictingEntriesAreRefusedAsTheCallersMistake() throws Exception {
        List<List<String>> cases = List.of(
                List.of("datapackage.json", "datapackage.json"),
                List.of("."),
                List.of("a/", "a"),
                List.of("a", "a/b"),
                List.of("x/a", "x/a/b"),
                List.of("a/b", "a"),
                List.of("a/./b", "a/b"));
        for (List<String> names : cases) {
            Path target = Files.createTempDirectory(folder, "case");

            assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(storedZip(names)), target, DEFAULTS)).as(names.toString())
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                    .hasMessage("The zip has duplicate or conflicting entries");
        }
    }

    @Test
    void aFolderNamedTwiceIsHarmless() throws Exception {
        ZipUpload.unzip(new ByteArrayInputStream(storedZip(List.of("a/", "a/", "./", "a/b"))), folder, DEFAULTS);

        assertThat(folder.resolve("a/b")).isRegularFile();
    }

    @Test
    void aFileOutsideTheFolderIsRefused() throws Exception {
        for (String name : List.of("../escaped.csv", "a/../../escaped.csv", "/tmp/escaped.csv")) {
            Path target = Files.createTempDirectory(folder, "case");

            assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zipNamed(List.of(name))), target, DEFAULTS))
                    .as(name).isInstanceOf(WaymarkException.class).hasMessageContaining("outside its folder");
        }
        assertThat(folder.resolveSibling("escaped.csv")).doesNotExist();
    }

    @Test
    void aZipOfZerosIsRefusedAsSoonAsItsRatioShowsNotWhenItHasFilledTheDisk() throws Exception {
        // 64 MiB of zeros in about 64 KiB: the shape of the probe's 400 MiB bomb, smaller to keep the test quick.
        byte[] bomb = zip(Map.of("datapackage.json", new byte[0], "services.csv", new byte[64 * ZipUpload.MIB]));
        assertThat(bomb.length).isLessThan(ZipUpload.MIB);

        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(bomb), folder, DEFAULTS))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.TOO_LARGE))
                .hasMessageContaining("compressed more than 100 to 1");
        try (Stream<Path> files = Files.walk(folder)) {
            long written = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            assertThat(written).as("bytes written before the refusal").isLessThan(2L * ZipUpload.MIB);
        }
    }

    @Test
    void moreThanTheTotalOrOneFilesLimitIsRefusedHoweverWellItCompresses() throws Exception {
        byte[] noise = new byte[3 * ZipUpload.MIB];
        new Random(7).nextBytes(noise);
        ZipUpload.Limits twoMegabytes = new ZipUpload.Limits(2L * ZipUpload.MIB, 2L * ZipUpload.MIB, 1000, 100);
        ZipUpload.Limits oneMegabyteEach = new ZipUpload.Limits(100L * ZipUpload.MIB, ZipUpload.MIB, 1000, 100);
        byte[] half = Arrays.copyOf(noise, ZipUpload.MIB + 1);

        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zip(Map.of("a.csv", noise))), folder, twoMegabytes))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.TOO_LARGE))
                .hasMessageStartingWith("A file in the zip unzips to more than 2 MiB");
        Path second = Files.createTempDirectory(folder, "second");
        Map<String, byte[]> two = new LinkedHashMap<>();
        two.put("a.csv", Arrays.copyOf(noise, ZipUpload.MIB + 1));
        two.put("b.csv", Arrays.copyOfRange(noise, ZipUpload.MIB, 2 * ZipUpload.MIB + 2));
        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zip(two)), second, twoMegabytes))
                .hasMessageStartingWith("The zip unzips to more than 2 MiB");
        Path third = Files.createTempDirectory(folder, "third");
        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zip(Map.of("a.csv", half))), third, oneMegabyteEach))
                .hasMessageStartingWith("A file in the zip unzips to more than 1 MiB");
    }

    @Test
    void theDefaultsTakeAHundredMegabytesFiftyForOneFile() {
        assertThat(DEFAULTS.maxBytes()).isEqualTo(100L * ZipUpload.MIB);
        assertThat(DEFAULTS.maxEntryBytes()).isEqualTo(50L * ZipUpload.MIB);
        assertThat(ZipUpload.Limits.of(20).maxEntryBytes()).as("never more than the total").isEqualTo(20L * ZipUpload.MIB);
    }

    @Test
    void tooManyFilesAreRefused() throws Exception {
        List<String> names = java.util.stream.IntStream.range(0, 1001).mapToObj(i -> "f" + i + ".csv").toList();

        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zipNamed(names)), folder, DEFAULTS))
                .hasMessageStartingWith("The zip holds too many files");
    }

    @Test
    void bytesThatAreNotAZipOrAZipCutShortAreRefusedAsTheCallersMistake() throws Exception {
        byte[] noise = new byte[200_000];
        new Random(3).nextBytes(noise);
        byte[] whole = zip(Map.of("services.csv", noise));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)), folder, DEFAULTS))
                .isInstanceOf(WaymarkException.class).hasMessage("The body is not a zip file, or the zip is empty");
        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(zip(Map.of())), folder, DEFAULTS))
                .isInstanceOf(WaymarkException.class).hasMessage("The body is not a zip file, or the zip is empty");
        Path target = Files.createTempDirectory(folder, "cut");
        assertThatThrownBy(() -> ZipUpload.unzip(new ByteArrayInputStream(cut), target, DEFAULTS))
                .isInstanceOf(WaymarkException.class).hasMessage("The body is not a zip file, or is cut short");
    }

    /**
     * A zip of stored (uncompressed) entries written by hand, since ZipOutputStream refuses a name twice; local headers
     * only, which is all a ZipInputStream reads.
     */
    static byte[] storedZip(List<String> names) {
        java.nio.ByteBuffer zip = java.nio.ByteBuffer.allocate(64 * 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (String name : names) {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            byte[] content = name.endsWith("/") ? new byte[0] : "id\n".getBytes(StandardCharsets.UTF_8);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(content);
            zip.putInt(0x04034b50).putShort((short) 10).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) crc.getValue()).putInt(content.length).putInt(content.length)
                    .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes).put(content);
        }
        return Arrays.copyOf(zip.array(), zip.position());
    }

    private static byte[] zipNamed(List<String> names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                zip.putNextEntry(new ZipEntry(name));
                if (!name.endsWith("/")) {
                    zip.write("id\n".getBytes(StandardCharsets.UTF_8));
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
