package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log check that every server test relies on must itself be able to fail. */
class KarafLogTest {
    private static final String INFO = "2026-11-25T12:01:51,987 | INFO  | main | Activator | 12 - org.x - 1.0 | started";
    private static final String WARN = "2026-11-25T12:01:52,000 | WARN  | main | Activator | 12 - org.x - 1.0 | slow";
    private static final String ERROR = "2026-11-25T12:01:53,000 | ERROR | main | Activator | 12 - org.x - 1.0 | broken";
    private static final String ROTATED_ERROR = "2026-11-25T11:00:00,000 | ERROR | main | Old | 12 - org.x - 1.0 | older";

    @TempDir
    Path logDir;

    @Test
    void errorLinesOfTheLogAndItsRotatedFilesAreReportedOldestFirst() throws IOException {
        String newerRotatedError = ROTATED_ERROR.replace("older", "newer");
        Files.write(logDir.resolve("karaf.log"), List.of(INFO, WARN, ERROR, "\tat org.x.Activator.start(Activator.java:1)"));
        Files.write(logDir.resolve("karaf.log.1"), List.of(ROTATED_ERROR));
        Files.write(logDir.resolve("karaf.log.2"), List.of(newerRotatedError));
        Files.write(logDir.resolve("security.log"), List.of(ERROR.replace("broken", "not karaf.log")));

        assertThat(KarafLog.unexpectedErrors(logDir, List.of())).containsExactly(ROTATED_ERROR, newerRotatedError,
                ERROR + "\n\tat org.x.Activator.start(Activator.java:1)");
    }

    @Test
    void anErrorIsReportedWithTheFirstLinesOfItsExceptionAndNotTheNextRecord() throws IOException {
        String bare = "2026-12-05T06:38:25,061 | ERROR | FelixDispatchQueue | Framework | 623 - org.waymark.platform - "
                + "0.1.0.SNAPSHOT | FrameworkEvent ERROR";
        List<String> trace = new java.util.ArrayList<>(List.of("java.lang.IllegalStateException: the cause"));
        for (int i = 0; i < 20; i++) {
            trace.add("\tat org.x.Frame" + i + ".run(Frame.java:" + i + ")");
        }
        List<String> log = new java.util.ArrayList<>(List.of(bare));
        log.addAll(trace);
        log.add(INFO);
        Files.write(logDir.resolve("karaf.log"), log);

        assertThat(KarafLog.unexpectedErrors(logDir, List.of())).containsExactly(
                bare + "\n" + String.join("\n", trace.subList(0, KarafLog.CAUSE_LINES)));
    }

    @Test
    void featuresItTakesKarafsDeployerLookingAtAnUninstalledBundleAndNoOtherErrorOfIt() throws IOException {
        String race = "2026-12-07T22:11:27,374 | ERROR | FelixDispatchQueue | FeatureDeploymentListener        | 48 - "
                + "org.apache.karaf.deployer.features - 4.4.10 | Unable to update deployed features for bundle: "
                + "com.fasterxml.jackson.core.jackson-annotations - 2.17.2";
        String gone = "java.lang.IllegalStateException: The bundle is uninstalled.";
        String frame = "\tat org.apache.felix.framework.Felix.findBundleEntries(Felix.java:1993)";
        String otherCause = "java.io.IOException: the features.xml could not be read";
        Files.write(logDir.resolve("karaf.log"), List.of(race, gone, frame, race, otherCause, INFO));

        assertThat(KarafLog.unexpectedErrors(logDir, List.of(FeaturesIT.DEPLOYER_LOOKS_AT_AN_UNINSTALLED_BUNDLE)))
                .containsExactly(race + "\n" + otherCause);
    }

    @Test
    void declaredErrorsAreNotReported() throws IOException {
        Files.write(logDir.resolve("karaf.log"), List.of(INFO, ERROR, ROTATED_ERROR));

        assertThat(KarafLog.unexpectedErrors(logDir, List.of(Pattern.compile("broken")))).containsExactly(ROTATED_ERROR);
    }

    @Test
    void aDeclaredPatternMayNameTheExceptionOnTheLineAfterABareErrorLine() throws IOException {
        String race = "2026-12-04T22:28:20,232 | ERROR | FelixDispatchQueue | Framework | 103 - "
                + "org.ops4j.pax.web.pax-web-extender-whiteboard - 8.0.34 | FrameworkEvent ERROR";
        String raceCause = "java.util.concurrent.RejectedExecutionException: Task org.ops4j.pax.web.service.spi.util"
                + ".WebContainerManager$$Lambda$1386/0x000000010063a7e0@5203795b rejected from java.util.concurrent.ThreadPoolExecutor";
        String other = race.replace("22:28:20,232", "22:28:21,000");
        Files.write(logDir.resolve("karaf.log"), List.of(race, raceCause, "\tat java.base/java.util.concurrent.ThreadPoolExecutor"
                + ".reject(ThreadPoolExecutor.java:833)", other, "java.lang.IllegalStateException: a real fault", INFO, ERROR));

        assertThat(KarafLog.unexpectedErrors(logDir, List.of(Pattern.compile(WaymarkServer.PAX_WEB_SHUTDOWN_RACE))))
                .as("the race is declared; the same kind of line with another cause, and an ERROR line followed by the next "
                        + "record, are not").containsExactly(other + "\njava.lang.IllegalStateException: a real fault", ERROR);
    }

    @Test
    void aCleanOrMissingLogHasNothingToReport() throws IOException {
        assertThat(KarafLog.unexpectedErrors(logDir.resolve("absent"), List.of())).isEmpty();
        Files.write(logDir.resolve("karaf.log"), List.of(INFO, WARN));
        assertThat(KarafLog.unexpectedErrors(logDir, List.of())).isEmpty();
        assertThat(KarafLog.describe(List.of(), logDir)).isNull();
    }
}
