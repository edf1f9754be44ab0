package org.waymark.itests.testplugin;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;

/**
 * A service that needs the plugin's own tables, so it is not registered until the plugin is approved and migrated.
 * PathfinderPluginIT checks that /api/plugins lists it all the same while the plugin awaits approval: the admin
 * approves it too. No job of its type is ever scheduled.
 */
@Component(service = JobHandler.class, property = "waymark.area=sheffield")
public final class NeedsItsTables implements JobHandler {
    @Activate
    public NeedsItsTables(@Reference(target = "(waymark.schema=org.waymark.itests-test-plugin)") SchemaReady schema) {
    }

    @Override
    public String type() {
        return "test-plugin.tidy";
    }

    @Override
    public void run(Job job) {
        // Nothing to tidy: the plugin's table holds nothing.
    }
}
