package org.waymark.platform.internal.plugins;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.karaf.features.FeaturesService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.PlatformConfig;

/**
 * The {@code .kar} files in the deploy folder that Karaf refused to install (a requirement nothing installed meets,
 * say). Karaf's deployer only logs such a refusal and keeps the file as if installed, so the plugin was never in
 * {@code /api/plugins}: the admin found it only in the log. Each file is judged once (again when it changes) by
 * asking Karaf to simulate the installation of its features; it is forgotten when the file goes. A refusal is audited
 * as an install is (once for each version of the file): what was copied into the deploy folder and not taken in.
 */
@Component(service = FailedKars.class, immediate = true, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class FailedKars {
    private static final Logger LOG = LoggerFactory.getLogger(FailedKars.class);
    /** A file younger than this may still be being copied (fileinstall waits for it to settle too). */
    static final Duration SETTLED = Duration.ofSeconds(1);
    /** How long Karaf may take to take a file's features in before the file counts as refused. */
    static final Duration UNREAD = Duration.ofSeconds(60);
    private static final Duration RECHECK = Duration.ofSeconds(5);

    /** What is known of one file, while it is unchanged. */
    private record Verdict(long size, long modified, boolean installed, PluginInfo failure, Instant nextCheck) {
        boolean sameFile(BasicFileAttributes attributes) {
            return attributes.size() == size && attributes.lastModifiedTime().toMillis() == modified;
        }
    }

    /** Asks Karaf about features; an interface so that the judgement can be tested without Karaf. */
    interface Features {
        /** Null: Karaf does not know it (the .kar's repository is not added, yet or at all). */
        Boolean installed(String name, String version) throws Exception;

        /** Throws why the feature cannot be installed. */
        void simulateInstall(String name, String version) throws Exception;
    }

    private final Path folder;
    private final Features features;
    private final Clock clock;
    private final AuditLog audit;
    private final Map<Path, Verdict> verdicts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scanner;

    @Activate
    public FailedKars(PlatformConfig config, @Reference FeaturesService karaf, @Reference AuditLog audit) {
        this(config.deployDir().isBlank() ? null : Path.of(config.deployDir()).toAbsolutePath().normalize(),
                karafFeatures(karaf), Clock.systemUTC(), audit, true);
    }

    FailedKars(Path folder, Features features, Clock clock, AuditLog audit, boolean scan) {
        this.folder = folder;
        this.features = features;
        this.clock = clock;
        this.audit = audit;
        if (folder == null || !scan) {
            this.scanner = null;
            return;
        }
        this.scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "waymark-kar-check");
            thread.setDaemon(true);
            return thread;
        });
        scanner.scheduleWithFixedDelay(this::scan, 1, 1, TimeUnit.SECONDS);
    }

    private static Features karafFeatures(FeaturesService karaf) {
        return new Features() {
            @Override
            public Boolean installed(String name, String version) throws Exception {
                org.apache.karaf.features.Feature feature = karaf.getFeature(name, version);
                return feature == null ? null : karaf.isInstalled(feature);
            }

            @Override
            public void simulateInstall(String name, String version) throws Exception {
                karaf.installFeature(name, version, EnumSet.of(FeaturesService.Option.Simulate,
                        FeaturesService.Option.NoAutoRefreshBundles));
            }
        };
    }

    @Deactivate
    void stop() {
        if (scanner != null) {
            scanner.shutdownNow();
        }
    }

    /** The refused files, each as a failed plugin with the reason. */
    public List<PluginInfo> failed() {
        List<PluginInfo> failed = new ArrayList<>();
        verdicts.values().forEach(v -> {
            if (v.failure() != null) {
                failed.add(v.failure());
            }
        });
        return failed;
    }

    void scan() {
        try {
            Set<Path> present = new java.util.HashSet<>();
            try (DirectoryStream<Path> kars = Files.newDirectoryStream(folder, "*.kar")) {
                for (Path kar : kars) {
                    present.add(kar);
                    judge(kar);
                }
            }
            verdicts.keySet().retainAll(present);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not look at the .kar files of {}: {}", folder, e.toString());
        }
    }

    private void judge(Path kar) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(kar, BasicFileAttributes.class);
        Instant now = clock.instant();
        Verdict known = verdicts.get(kar);
        if (!attributes.isRegularFile() || (known != null && known.sameFile(attributes)
                && (known.installed() || known.failure() != null || now.isBefore(known.nextCheck())))) {
            return;
        }
        Instant modified = attributes.lastModifiedTime().toInstant();
        if (modified.plus(SETTLED).isAfter(now)) {
            return;
        }
        long size = attributes.size();
        long modifiedMillis = attributes.lastModifiedTime().toMillis();
        String file = kar.getFileName().toString();
        KarContents contents;
        try {
            contents = KarContents.read(kar);
        } catch (IOException e) {
            String why = e instanceof java.util.zip.ZipException || e.getMessage() == null ? "not a zip archive" : e.getMessage();
            refused(kar, new Verdict(size, modifiedMillis, false, failure(file, null,
                    "it is not a .kar Waymark can read (" + why + ")", now), now));
            return;
        }
        boolean allInstalled = true;
        boolean unknown = false;
        for (KarContents.Feature feature : contents.features()) {
            Boolean installed;
            try {
                installed = features.installed(feature.name(), feature.version());
            } catch (Exception e) {
                return; // Karaf is busy or stopping: asked again next time
            }
            unknown |= installed == null;
            allInstalled &= Boolean.TRUE.equals(installed);
        }
        if (allInstalled) {
            verdicts.put(kar, new Verdict(size, modifiedMillis, true, null, now));
            return;
        }
        if (unknown) {
            // Karaf has not read it yet; a file it never reads (it believes it installed already) is refused all the same.
            PluginInfo failure = modified.plus(UNREAD).isBefore(now) ? failure(file, contents,
                    "Karaf did not take it in (the server's log says why, under the file's name); remove it and copy it in again", now) : null;
            Verdict verdict = new Verdict(size, modifiedMillis, false, failure, now.plus(RECHECK));
            if (failure == null) {
                verdicts.put(kar, verdict);
            } else {
                refused(kar, verdict);
            }
            return;
        }
        for (KarContents.Feature feature : contents.features()) {
            try {
                features.simulateInstall(feature.name(), feature.version());
            } catch (Exception e) {
                String reason = KarFailureReason.of(e);
                LOG.warn("Plugin file {} could not be installed: {}", file, reason);
                refused(kar, new Verdict(size, modifiedMillis, false, failure(file, contents, reason, now), now));
                return;
            }
        }
        // Installable, and being installed now: looked at again shortly.
        verdicts.put(kar, new Verdict(size, modifiedMillis, false, null, now.plus(RECHECK)));
    }

    /** Keeps a refusal: each is reached once for each version of the file, since a refused file is not judged again. */
    private void refused(Path kar, Verdict verdict) {
        verdicts.put(kar, verdict);
        PluginInfo plugin = verdict.failure();
        try {
            audit.record(Caller.system("deploy"), AuditLog.Action.ADMIN, "Plugin", "refuse " + plugin.id()
                    + (plugin.version().isEmpty() ? "" : " " + plugin.version()) + " (" + kar.getFileName() + ")", null);
        } catch (RuntimeException e) {
            // As for an install: a database away for a moment must not stop the judging; the refusal is listed and logged.
            LOG.warn("Could not audit the refusal of {}: {}", kar.getFileName(), e.getMessage());
        }
    }

    private static PluginInfo failure(String file, KarContents contents, String reason, Instant at) {
        String id = contents == null || contents.symbolicName() == null ? file.substring(0, file.length() - ".kar".length())
                : contents.symbolicName();
        String version = contents == null || contents.version() == null ? "" : contents.version();
        String name = contents == null || contents.name() == null ? file : contents.name();
        return new PluginInfo(id, name, version, false, "failed", null, List.of(), null, 0, 0, 0,
                file + " in the deploy folder could not be installed: " + reason
                        + ". Fix the plugin (or deploy what it needs first), then replace the file.", at);
    }
}
