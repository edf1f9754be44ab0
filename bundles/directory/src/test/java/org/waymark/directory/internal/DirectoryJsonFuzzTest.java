package org.waymark.directory.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing (Jazzer) of the Open Referral JSON import up to the point where records would be written:
 * JSON parsing, records nested or flat, lists and paginated answers, the table guessed from a file name or the
 * fields, and every record's checks. Whatever the bytes, an import either lists what is wrong or collects valid
 * records; any exception is a crash, kept as a regression input in
 * {@code src/test/resources/org/waymark/directory/internal/DirectoryJsonFuzzTestInputs/importJson}.
 */
class DirectoryJsonFuzzTest {
    private static final String[] FILE_NAMES = {"services.json", "service_full.json", "organization_full.json",
            "taxonomy_terms.json", "service_at_locations.json", "import.json"};

    @FuzzTest(maxDuration = "30s")
    void importJson(FuzzedDataProvider data) throws IOException {
        String fileName = data.pickValue(FILE_NAMES);
        ImportBatch batch = new ImportBatch();
        Directory.readJson(fileName, data.consumeRemainingAsBytes(), batch);
        FuzzInvariants.holdFor(batch);
    }
}
