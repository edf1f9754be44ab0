package org.waymark.directory.internal;

import java.time.Clock;
import javax.sql.DataSource;
import org.waymark.platform.testing.TestDatabase;

/** A directory on a fresh in-memory Derby with this bundle's migrations, and the demo postcode lookup. */
final class TestDirectory {
    private TestDirectory() {
    }

    static Directory create() throws Exception {
        DataSource db = TestDatabase.migrated("db/directory.xml");
        Directory directory = new Directory(new DirectoryStore(db), Clock.systemUTC());
        directory.addLookup(new OutwardCodeLookup(), java.util.Map.of("service.ranking", -100, "service.id", 1L));
        return directory;
    }

    static Directory withDemoData() throws Exception {
        Directory directory = create();
        Directory.ImportReport report = directory.apply(DemoDirectory.batch(), "test", "demo");
        if (!report.applied()) {
            throw new AssertionError(report.text());
        }
        return directory;
    }
}
