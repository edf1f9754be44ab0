package org.waymark.notifications.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.PermanentJobFailure;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.platform.db.Jdbc;

/**
 * Delivers one outbox notification: reads the party's preferences at delivery time (so a "do not contact" set after
 * the change still holds), picks the first channel of the area that can reach the party, preferred one first, and
 * hands the message over through the plugin guard. Failures are left to the job's retries and dead-letter list.
 */
@Component(service = JobHandler.class)
public final class DeliveryJob implements JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryJob.class);
    static final Duration CHECK_LIMIT = Duration.ofSeconds(2);
    // Within the job time limit (60 s by default): a channel that hangs fails the delivery, not the delivery job.
    static final Duration SEND_LIMIT = Duration.ofSeconds(15);

    // A job waits this long for another delivery of its sequence, and sends earlier ones for this long at most, so
    // that with its own send (SEND_LIMIT) it ends within the job time limit.
    static final Duration SEQUENCE_WAIT = Duration.ofSeconds(5);
    static final Duration EARLIER_BUDGET = Duration.ofSeconds(15);
    // Striped, so the locks of the sequences ever seen are not kept; two sequences sharing a stripe only wait.
    private static final ReentrantLock[] SEQUENCE_LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < SEQUENCE_LOCKS.length; i++) {
            SEQUENCE_LOCKS[i] = new ReentrantLock();
        }
    }

    private final DataSource db;
    private final PluginRegistry plugins;
    private final Outbox outbox = new Outbox(Clock.systemUTC());

    @Activate
    public DeliveryJob(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference PluginRegistry plugins,
                       @Reference(target = "(waymark.schema=org.waymark.notifications)") SchemaReady schema) {
        this.db = db;
        this.plugins = plugins;
    }

    @Override
    public String type() {
        return OutboxNotifier.DELIVERY_JOB;
    }

    @Override
    public void run(Job job) throws Exception {
        String messageId = job.key();
        Optional<Notification> recorded = Jdbc.inTransaction(db, c -> outbox.find(c, messageId));
        String sequence = recorded.map(n -> n.data().get(Notification.SEQUENCE)).orElse(null);
        if (sequence == null) {
            deliver(messageId);
            return;
        }
        // Each delivery job runs on its own, and the runner takes several at once: a referral's "accepted" reached the
        // GP system after its "in progress" (found probing), and a receiver that applies each message as it comes
        // showed the older status. The earlier ones of the sequence go first, one job of a sequence at a time.
        ReentrantLock lock = SEQUENCE_LOCKS[Math.floorMod((recorded.get().to() + "|" + sequence).hashCode(),
                SEQUENCE_LOCKS.length)];
        // Waiting and sending stay well within the job's time limit: a job that times out counts against this bundle
        // in the plugin guard, while a DeliveryException is an ordinary retry.
        if (!lock.tryLock(SEQUENCE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new DeliveryException("Another message of the same sequence is being delivered", false);
        }
        try {
            long deadline = System.nanoTime() + EARLIER_BUDGET.toNanos();
            List<String> earlier = Jdbc.inTransaction(db, c -> outbox.earlierPending(c, messageId));
            for (int i = 0; i < earlier.size(); i++) {
                if (System.nanoTime() - deadline > 0) {
                    throw new DeliveryException((earlier.size() - i)
                            + " earlier message(s) of the same sequence are still to be delivered", false);
                }
                try {
                    deliver(earlier.get(i));
                } catch (PermanentJobFailure refused) {
                    // Refused for good: its own job dead-letters it, and what came after need not wait for it.
                    LOG.info("Notification {} refused while delivering {} after it", earlier.get(i), messageId);
                }
            }
            deliver(messageId);
        } finally {
            lock.unlock();
        }
    }

    private void deliver(String messageId) throws Exception {
        record Loaded(Notification notification, String state, ContactPreferences preferences) {
        }
        Optional<Loaded> loaded = Jdbc.inTransaction(db, c -> {
            Optional<Notification> n = outbox.find(c, messageId);
            if (n.isEmpty()) {
                return Optional.<Loaded>empty();
            }
            return Optional.of(new Loaded(n.get(), outbox.state(c, messageId), JdbcContactBook.find(c, n.get().to())));
        });
        if (loaded.isEmpty()) {
            throw new PermanentJobFailure("No notification " + messageId + " in the outbox");
        }
        Notification notification = loaded.get().notification();
        if (!Outbox.State.PENDING.name().equals(loaded.get().state())) {
            return; // delivered or suppressed on an earlier run that died before the job was marked done
        }
        ContactPreferences preferences = loaded.get().preferences();
        if (preferences.doNotContact()) {
            Jdbc.inTransaction(db, c -> {
                outbox.finish(c, notification, Outbox.State.SUPPRESSED, null, "do not contact");
                return null;
            });
            LOG.info("Notification {} not sent: the recipient asked not to be contacted", messageId);
            return;
        }
        PluginService<NotificationChannel> channel = firstThatCanReach(notification, preferences);
        try {
            Delivery delivery = plugins.call(channel, SEND_LIMIT, c -> c.send(notification, preferences));
            String name = ChannelChoice.nameOf(channel);
            Jdbc.inTransaction(db, c -> {
                outbox.finish(c, notification, Outbox.State.DELIVERED, name, delivery == null ? null : delivery.receipt());
                return null;
            });
            LOG.info("Notification {} delivered by {}", messageId, name);
        } catch (PluginCallException e) {
            // Rethrown as declared outcomes: a channel's failure must not count against this bundle in the guard.
            if (e.getCause() instanceof DeliveryException d) {
                if (d.permanent()) {
                    throw new PermanentJobFailure(ChannelChoice.nameOf(channel) + ": " + d.getMessage(), d);
                }
                throw d;
            }
            // A channel's own exception text may quote the message or the address: the plugin list keeps the details.
            String name = ChannelChoice.nameOf(channel);
            throw new DeliveryException(e.timedOut() ? "The " + name + " channel timed out"
                    : e.getCause() == null ? e.getMessage() : "The " + name + " channel failed unexpectedly", false, e);
        }
    }

    private PluginService<NotificationChannel> firstThatCanReach(Notification notification, ContactPreferences preferences)
            throws DeliveryException {
        for (PluginService<NotificationChannel> channel
                : ChannelChoice.inOrder(preferences, plugins.services(NotificationChannel.class, notification.area()))) {
            try {
                if (Boolean.TRUE.equals(plugins.call(channel, CHECK_LIMIT, c -> c.canReach(notification, preferences)))) {
                    return channel;
                }
            } catch (PluginCallException e) {
                LOG.warn("Channel of {} could not be asked about notification {}: {}", channel.pluginId(),
                        notification.messageId(), e.getMessage());
            }
        }
        // Retried: the address may be added, or the channel's bundle may be on its way back.
        throw new DeliveryException("No channel can reach " + recipient(notification.to()), false);
    }

    /** The recipient as the job list may show it: organisations and teams by id, a person or staff member by kind only. */
    static String recipient(Party party) {
        return switch (party.kind()) {
            case PERSON -> "the person";
            case STAFF -> "the member of staff";
            case ORGANISATION -> "organisation " + party.id();
            case TEAM -> "team " + party.id();
        };
    }
}
