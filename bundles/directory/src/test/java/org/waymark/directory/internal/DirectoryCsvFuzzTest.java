package org.waymark.directory.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of one table of an HSDS CSV data package: quoting, CRLF and stray CRs, blank
 * lines, ragged rows, cells typed as the descriptor says (numbers, integers, booleans), and every record's checks.
 * Any exception is a crash, kept as a regression input in
 * {@code src/test/resources/org/waymark/directory/internal/DirectoryCsvFuzzTestInputs/importCsv}.
 */
class DirectoryCsvFuzzTest {
    /** Field types as the Open Referral UK descriptor declares them. */
    private static final Map<String, String> TYPES = Map.of("id", "string", "name", "string", "status", "string",
            "minimum_age", "integer", "maximum_age", "integer", "latitude", "number", "longitude", "number",
            "amount", "number", "year_incorporated", "integer", "assured_date", "date");

    @FuzzTest(maxDuration = "30s")
    void importCsv(FuzzedDataProvider data) {
        Kind kind = data.pickValue(Kind.values());
        ImportBatch batch = new ImportBatch();
        DataPackage.readCsv(kind, kind.hsdsName() + "s.csv", data.consumeRemainingAsString(), TYPES, batch);
        FuzzInvariants.holdFor(batch);
    }
}
