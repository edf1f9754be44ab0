package org.waymark.directory.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.waymark.api.error.WaymarkException;

/**
 * Unzips an uploaded data package into an empty folder, refusing what no data package needs: a file outside the
 * folder, a name twice or a file where a folder is (and the other way round), more than {@link Limits#maxEntries}
 * entries, and more bytes than the limits allow, counted as they are unzipped (a zip's own sizes can lie). A small
 * zip of zeros unzips to hundreds of megabytes (a zip bomb), so a file compressed more than {@link Limits#maxRatio}
 * to 1 is refused as soon as it shows. On a refusal the caller deletes the folder.
 */
final class ZipUpload {
    static final int MIB = 1024 * 1024;
    /** Below this, a file may compress as well as it likes: a CSV of one repeated line is not an attack. */
    static final long RATIO_FREE_BYTES = MIB;

    /**
     * @param maxBytes      all files together, unzipped
     * @param maxEntryBytes any one file, unzipped
     * @param maxEntries    files and folders
     * @param maxRatio      unzipped bytes per zipped byte, of any file past {@link #RATIO_FREE_BYTES} and of the whole
     */
    record Limits(long maxBytes, long maxEntryBytes, int maxEntries, int maxRatio) {
        /** The defaults, with {@code maxMegabytes} unzipped in all and at most half of that (50 MiB) for one file. */
        static Limits of(int maxMegabytes) {
            long total = (long) Math.max(1, maxMegabytes) * MIB;
            return new Limits(total, Math.min(total, 50L * MIB), 1000, 100);
        }

        String describe() {
            return "at most " + maxEntries + " files, " + maxBytes / MIB + " MiB unzipped in all, "
                    + maxEntryBytes / MIB + " MiB for one file, compressed at most " + maxRatio + " to 1";
        }
    }

    private ZipUpload() {
    }

    static void unzip(InputStream body, Path folder, Limits limits) throws IOException {
        Counting zipped = new Counting(body);
        // What has been written under folder: true for a folder, false for a file.
        Map<Path, Boolean> written = new HashMap<>();
        written.put(folder, true);
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(zipped)) {
            ZipEntry entry;
            while ((entry = nextEntry(zip)) != null) {
                if (++entries > limits.maxEntries()) {
                    throw WaymarkException.invalid("The zip holds too many files (" + limits.describe() + ")");
                }
                Path target = target(folder, entry.getName());
                boolean directory = entry.isDirectory();
                claim(folder, target, directory, written);
                if (directory) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                long zippedAtStart = zipped.count;
                long size = 0;
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = read(zip, buffer)) > 0) {
                        size += n;
                        total += n;
                        if (size > limits.maxEntryBytes()) {
                            throw tooLarge("A file in the zip unzips to more than " + limits.maxEntryBytes() / MIB + " MiB", limits);
                        }
                        if (total > limits.maxBytes()) {
                            throw tooLarge("The zip unzips to more than " + limits.maxBytes() / MIB + " MiB", limits);
                        }
                        if (compressedTooFar(size, zipped.count - zippedAtStart, limits) || compressedTooFar(total, zipped.count, limits)) {
                            throw tooLarge("The zip is compressed more than " + limits.maxRatio() + " to 1, as no data package is", limits);
                        }
                        out.write(buffer, 0, n);
                    }
                } catch (FileAlreadyExistsException e) {
                    // claim() has seen every name before: only a name the file system takes for another (none on Linux).
                    throw conflicting();
                }
            }
        }
        if (entries == 0) {
            // ZipInputStream finds no entry in bytes that are not a zip at all, so the two cannot be told apart.
            throw WaymarkException.invalid("The body is not a zip file, or the zip is empty");
        }
    }

    private static boolean compressedTooFar(long unzipped, long zipped, Limits limits) {
        // The inflater reads ahead up to a buffer (512 bytes), so the count of zipped bytes is never short by more.
        return unzipped > RATIO_FREE_BYTES && unzipped > (long) limits.maxRatio() * (zipped + 512);
    }

    private static ZipEntry nextEntry(ZipInputStream zip) {
        try {
            return zip.getNextEntry();
        } catch (IOException e) {
            throw notAZip();
        } catch (IllegalArgumentException e) {
            // An entry name that is not valid in the zip's declared encoding.
            throw WaymarkException.invalid("The zip has a file whose name cannot be read");
        }
    }

    /** Reads from the zip; a broken or cut-off zip is the caller's mistake (its IOException is not a disk's). */
    private static int read(ZipInputStream zip, byte[] buffer) {
        try {
            return zip.read(buffer);
        } catch (IOException e) {
            throw notAZip();
        }
    }

    private static Path target(Path folder, String name) {
        Path target;
        try {
            target = folder.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw WaymarkException.invalid("The zip has a file whose name cannot be used");
        }
        if (!target.startsWith(folder)) {
            throw WaymarkException.invalid("The zip has a file outside its folder");
        }
        return target;
    }

    /**
     * Records {@code target} (and its folders) as written, refusing a name met before (a folder named twice is
     * harmless), a file under a name that is a folder (or the package's own folder, as the entry {@code .} is), and a
     * folder or a file under one that is a file.
     */
    private static void claim(Path folder, Path target, boolean directory, Map<Path, Boolean> written) {
        Boolean before = written.get(target);
        if (before != null && !(before && directory)) {
            throw conflicting();
        }
        written.put(target, directory);
        for (Path parent = target.getParent(); parent != null && parent.startsWith(folder) && !parent.equals(folder);
             parent = parent.getParent()) {
            if (Boolean.FALSE.equals(written.put(parent, true))) {
                throw conflicting();
            }
        }
    }

    private static WaymarkException conflicting() {
        return WaymarkException.invalid("The zip has duplicate or conflicting entries");
    }

    private static WaymarkException notAZip() {
        return WaymarkException.invalid("The body is not a zip file, or is cut short");
    }

    private static WaymarkException tooLarge(String what, Limits limits) {
        return new WaymarkException(WaymarkException.Kind.TOO_LARGE, what + "; an import takes " + limits.describe());
    }

    /** Counts the zipped bytes read, to compare with the bytes unzipped. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }
    }
}
