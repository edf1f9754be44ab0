package org.waymark.platform.db;

import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;

/**
 * Identifiers for new rows that are UUIDs of version 7 (RFC 9562): the creation time in milliseconds first, then 74
 * random bits. Written out as usual, they sort as text in the order they were made, so a table's primary key and the
 * indexes that follow it (a referral's Task, its document, its validation state) take each new row at the end of the
 * tree, on pages that are already in the database's cache. A random UUID lands anywhere: once a table's indexes
 * outgrow the page cache, nearly every insert read a page back and evicted another. They are as unguessable as random
 * UUIDs for what they guard (74 random bits from a {@link SecureRandom}); what they give away, when the row was made,
 * is already in the resource they name ({@code meta.lastUpdated}, {@code authoredOn}).
 */
public final class RowIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RowIds() {
    }

    /** A new identifier, made now. */
    public static String next() {
        return next(System.currentTimeMillis(), RANDOM);
    }

    static String next(long epochMillis, Random random) {
        long a = random.nextLong();
        long b = random.nextLong();
        // 48 bits of time, the version (7), 12 random bits; then the variant (binary 10) and 62 random bits.
        long mostSignificant = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (a & 0x0FFFL);
        long leastSignificant = 0x8000_0000_0000_0000L | (b & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(mostSignificant, leastSignificant).toString();
    }
}
