package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** What every import batch must satisfy, whatever it was read from. */
final class FuzzInvariants {
    private FuzzInvariants() {
    }

    static void holdFor(ImportBatch batch) {
        for (Map.Entry<Kind, ? extends Map<String, ObjectNode>> table : batch.records().entrySet()) {
            for (Map.Entry<String, ObjectNode> record : table.getValue().entrySet()) {
                if (!ImportBatch.check(table.getKey(), record.getValue()).isEmpty()) {
                    throw new AssertionError("a record that fails its checks was kept: " + table.getKey() + " " + record.getKey());
                }
            }
        }
    }
}
