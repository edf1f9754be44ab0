package org.waymark.platform.internal.backup;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An encrypted backup archive: a folder zipped and sealed with AES-256-GCM under a key derived from a passphrase
 * (PBKDF2-HMAC-SHA256, random salt). The zip is cut into 1 MiB chunks, each sealed with its own nonce (a random prefix
 * plus the chunk's number) and the last one marked as such in its associated data, so chunks cannot be reordered,
 * dropped or the archive truncated without the restore noticing, and neither side holds the whole archive in memory.
 *
 * <pre>
 * "WMBACKUP1\n" | salt (16) | nonce prefix (8) | iterations (int) | { length (int) | sealed chunk } ...
 * </pre>
 */
public final class EncryptedArchive {
    static final byte[] MAGIC = "WMBACKUP1\n".getBytes(StandardCharsets.US_ASCII);
    static final int CHUNK = 1 << 20;
    static final int ITERATIONS = 310_000;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private EncryptedArchive() {
    }

    /** Thrown when the passphrase is wrong or the archive was changed or cut short. */
    public static final class TamperedOrWrongPassphrase extends IOException {
        private static final long serialVersionUID = 1L;

        TamperedOrWrongPassphrase(String message) {
            super(message);
        }
    }

    /** Zips {@code folder} (its files under {@code rootName}/) into an encrypted archive at {@code target}. */
    public static void write(Path folder, String rootName, Path target, char[] passphrase) throws IOException {
        byte[] salt = random(16);
        byte[] prefix = random(8);
        SecretKeySpec key = key(passphrase, salt, ITERATIONS);
        try (OutputStream file = Files.newOutputStream(target);
             DataOutputStream out = new DataOutputStream(file)) {
            out.write(MAGIC);
            out.write(salt);
            out.write(prefix);
            out.writeInt(ITERATIONS);
            try (ZipOutputStream zip = new ZipOutputStream(new SealingStream(out, key, prefix))) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path path : (Iterable<Path>) files.sorted()::iterator) {
                        String relative = folder.relativize(path).toString().replace('\\', '/');
                        String name = relative.isEmpty() ? rootName : rootName + "/" + relative;
                        if (Files.isDirectory(path)) {
                            zip.putNextEntry(new ZipEntry(name + "/"));
                        } else {
                            zip.putNextEntry(new ZipEntry(name));
                            Files.copy(path, zip);
                        }
                        zip.closeEntry();
                    }
                }
            }
        }
    }

    /** Opens an archive into {@code targetFolder} (which must not exist yet); returns the folders it restored. */
    public static List<Path> read(Path archive, Path targetFolder, char[] passphrase) throws IOException {
        if (Files.exists(targetFolder)) {
            throw new IOException(targetFolder + " exists already; restore into a new folder");
        }
        Files.createDirectories(targetFolder);
        Path root = targetFolder.toRealPath();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(archive))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(archive + " is not an encrypted Waymark backup");
            }
            byte[] salt = in.readNBytes(16);
            byte[] prefix = in.readNBytes(8);
            int iterations = in.readInt();
            if (iterations < 100_000 || iterations > 10_000_000) {
                throw new TamperedOrWrongPassphrase("The archive's header was changed");
            }
            SecretKeySpec key = key(passphrase, salt, iterations);
            try (ZipInputStream zip = new ZipInputStream(new OpeningStream(in, key, prefix))) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    Path path = root.resolve(entry.getName()).normalize();
                    if (!path.startsWith(root)) {
                        throw new TamperedOrWrongPassphrase("The archive names a file outside the restore folder");
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else {
                        Files.createDirectories(path.getParent());
                        Files.copy(zip, path);
                    }
                }
                // Read to the end, so that a missing final chunk (a cut archive) is detected.
                zip.transferTo(OutputStream.nullOutputStream());
            }
        }
        try (Stream<Path> top = Files.list(root)) {
            return top.toList();
        }
    }

    private static SecretKeySpec key(char[] passphrase, byte[] salt, int iterations) throws IOException {
        try {
            byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
            return new SecretKeySpec(key, "AES");
        } catch (GeneralSecurityException e) {
            throw new IOException("No PBKDF2 in this Java runtime", e);
        }
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] nonce(byte[] prefix, int chunk) {
        return ByteBuffer.allocate(12).put(prefix).putInt(chunk).array();
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] prefix, int chunk, boolean last) throws IOException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce(prefix, chunk)));
            cipher.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available", e);
        }
    }

    /** Buffers a chunk, seals it when full; close() seals the last (possibly empty) chunk with the final mark. */
    private static final class SealingStream extends OutputStream {
        private final DataOutputStream out;
        private final SecretKeySpec key;
        private final byte[] prefix;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(CHUNK);
        private int chunk;
        private boolean closed;

        SealingStream(DataOutputStream out, SecretKeySpec key, byte[] prefix) {
            this.out = out;
            this.key = key;
            this.prefix = prefix;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                int take = Math.min(length, CHUNK - buffer.size());
                buffer.write(bytes, offset, take);
                offset += take;
                length -= take;
                if (buffer.size() == CHUNK) {
                    seal(false);
                }
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, prefix, chunk++, last).doFinal(buffer.toByteArray());
                out.writeInt(sealed.length);
                out.write(sealed);
                buffer.reset();
            } catch (GeneralSecurityException e) {
                throw new IOException("Encryption failed", e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                seal(true);
                out.flush();
            }
        }
    }

    /** Reads and opens one chunk at a time; refuses a chunk that fails its tag and an archive without its last chunk. */
    private static final class OpeningStream extends InputStream {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private final byte[] prefix;
        private byte[] plain = new byte[0];
        private int position;
        private int chunk;
        private boolean ended;

        OpeningStream(DataInputStream in, SecretKeySpec key, byte[] prefix) {
            this.in = in;
            this.key = key;
            this.prefix = prefix;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            while (position == plain.length) {
                if (ended) {
                    return -1;
                }
                next();
            }
            int take = Math.min(length, plain.length - position);
            System.arraycopy(plain, position, bytes, offset, take);
            position += take;
            return take;
        }

        private void next() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                throw new TamperedOrWrongPassphrase("The archive is cut short (its last part is missing)");
            }
            if (length < 16 || length > CHUNK + 16) {
                throw new TamperedOrWrongPassphrase("The archive was changed");
            }
            byte[] sealed = in.readNBytes(length);
            if (sealed.length != length) {
                throw new TamperedOrWrongPassphrase("The archive is cut short");
            }
            // The last chunk is sealed with a different mark: try "not last" first, as most chunks are.
            for (boolean last : new boolean[] {false, true}) {
                try {
                    plain = cipher(Cipher.DECRYPT_MODE, key, prefix, chunk, last).doFinal(sealed);
                    position = 0;
                    chunk++;
                    ended = last;
                    if (last && in.read() != -1) {
                        throw new TamperedOrWrongPassphrase("The archive has data after its last part");
                    }
                    return;
                } catch (AEADBadTagException e) {
                    // try the other mark; if neither opens it, the passphrase is wrong or the chunk was changed
                } catch (GeneralSecurityException e) {
                    throw new IOException("Decryption failed", e);
                }
            }
            throw new TamperedOrWrongPassphrase("Wrong passphrase, or the archive was changed");
        }
    }
}
