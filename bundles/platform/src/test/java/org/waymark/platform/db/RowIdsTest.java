package org.waymark.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowIdsTest {

    @Test
    void anIdIsAVersion7UuidWithTheTimeItWasMadeInFront() {
        long millis = 1_796_000_000_123L;
        UUID id = UUID.fromString(RowIds.next(millis, new Random(1)));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void idsMadeLaterSortAfterEarlierOnesAsText() {
        Random random = new Random(7);
        List<String> inOrderMade = new ArrayList<>();
        for (long millis = 1_700_000_000_000L; millis < 1_700_000_000_000L + 5_000; millis += 1 + random.nextInt(40)) {
            inOrderMade.add(RowIds.next(millis, random));
        }
        // Times whose hexadecimal digits carry over (...fff to ...000) must not sort back.
        inOrderMade.add(RowIds.next(0x01FF_FFFF_FFFFL, random));
        inOrderMade.add(RowIds.next(0x0200_0000_0000L, random));
        List<String> asText = new ArrayList<>(inOrderMade);
        asText.sort(null);

        assertThat(asText).isEqualTo(inOrderMade);
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RowIds.next(1_700_000_000_000L, new Random(i)));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(RowIds.next()).isNotEqualTo(RowIds.next());
    }
}
