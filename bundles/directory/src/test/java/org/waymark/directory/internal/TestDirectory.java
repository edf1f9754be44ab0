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

    /** The query string of a request to the Open Referral API, as name-value pairs (a name may come again). */
    static javax.ws.rs.core.UriInfo query(String... params) {
        javax.ws.rs.core.MultivaluedHashMap<String, String> map = new javax.ws.rs.core.MultivaluedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.add(params[i], params[i + 1]);
        }
        return (javax.ws.rs.core.UriInfo) java.lang.reflect.Proxy.newProxyInstance(javax.ws.rs.core.UriInfo.class.getClassLoader(),
                new Class<?>[]{javax.ws.rs.core.UriInfo.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getQueryParameters")) {
                        return map;
                    }
                    throw new AssertionError("the resource asked UriInfo for " + method.getName()
                            + ", which these tests do not model (only the query string)");
                });
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
