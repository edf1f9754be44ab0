package org.waymark.platform.internal.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Objects;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.platform.internal.PlatformConfig;

/**
 * Makes sure Felix fileinstall watches {@code $WAYMARK_DATA/deploy} for plugins. The distribution's etc/ has the same
 * settings, but whether fileinstall's etc watcher delivers them depends on the order in which Configuration Admin
 * and fileinstall come up at first boot (seen missing on some first boots in the itests), so the platform checks the
 * factory configuration itself and supplies it when it is absent or different.
 */
@Component(immediate = true, configurationPid = PlatformConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class DeployFolder {
    static final String FILEINSTALL_FACTORY = "org.apache.felix.fileinstall";
    static final String NAME = "deploy";
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolder.class);

    @Activate
    public DeployFolder(PlatformConfig config, @Reference ConfigurationAdmin configurationAdmin) throws IOException {
        if (config.deployDir().isBlank()) {
            return;
        }
        Path folder = Path.of(config.deployDir()).toAbsolutePath().normalize();
        Files.createDirectories(folder);
        Configuration configuration = configurationAdmin.getFactoryConfiguration(FILEINSTALL_FACTORY, NAME, "?");
        Dictionary<String, Object> current = configuration.getProcessedProperties(null);
        if (current != null && Objects.equals(normalised(current.get("felix.fileinstall.dir")), folder.toString())) {
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("felix.fileinstall.dir", folder.toString());
        properties.put("felix.fileinstall.tmpdir", folder.getParent().resolve("karaf").resolve("generated-bundles").toString());
        properties.put("felix.fileinstall.poll", "250");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.log.level", "3");
        // Installing a plugin must never refresh (restart) the core bundles.
        properties.put("felix.fileinstall.bundles.updateWithListeners", "false");
        properties.put("felix.fileinstall.optionalImportRefreshScope", "managed");
        configuration.update(properties);
        LOG.info("Watching {} for plugins", folder);
    }

    private static String normalised(Object dir) {
        return dir == null ? null : Path.of(dir.toString()).toAbsolutePath().normalize().toString();
    }
}
