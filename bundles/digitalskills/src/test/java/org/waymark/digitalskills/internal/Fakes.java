package org.waymark.digitalskills.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

/** Test doubles that keep what they were given and check the outbox rule: inside the change's transaction. */
final class Fakes {
    private Fakes() {
    }

    static void requireTransaction(Connection c) {
        try {
            if (c.getAutoCommit()) {
                throw new IllegalStateException("Must be called inside the change's transaction");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps jobs by (type, key) as the real scheduler does: scheduling a key again changes nothing. */
    static final class Jobs implements JobScheduler {
        final Map<String, JobRequest> pending = new LinkedHashMap<>();
        final List<String> cancelled = new ArrayList<>();
        int scheduleCalls;

        @Override
        public synchronized String schedule(Connection transaction, JobRequest request) {
            requireTransaction(transaction);
            scheduleCalls++;
            pending.putIfAbsent(request.type() + "/" + request.key(), request);
            return request.key();
        }

        @Override
        public String schedule(JobRequest request) {
            throw new UnsupportedOperationException("Reminders are scheduled in the change's transaction");
        }

        @Override
        public synchronized boolean cancel(Connection transaction, String type, String key) {
            requireTransaction(transaction);
            cancelled.add(key);
            return pending.remove(type + "/" + key) != null;
        }
    }

    static final class Notices implements Notifier {
        final List<Notification> queued = new CopyOnWriteArrayList<>();

        @Override
        public void notify(Connection transaction, Notification notification) {
            requireTransaction(transaction);
            queued.add(notification);
        }
    }

    /** Offers one pathway (or none) for every area; a pathway that throws fails its call as the guard would. */
    static final class Plugins implements PluginRegistry {
        volatile Pathway pathway;

        @Override
        @SuppressWarnings("unchecked")
        public <S> List<PluginService<S>> services(Class<S> type, String area) {
            if (type == Pathway.class && pathway != null) {
                return List.of((PluginService<S>) new PluginService<>(pathway, "test.plugin", null));
            }
            return List.of();
        }

        @Override
        public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
            try {
                return call.apply(service.service());
            } catch (Exception e) {
                throw new PluginCallException("failed", e, false);
            }
        }
    }

    static Pathway pathway(List<Period> followUps) {
        return new Pathway() {
            @Override
            public String id() {
                return "test";
            }

            @Override
            public String title() {
                return "Test pathway";
            }

            @Override
            public List<Step> steps() {
                return List.of();
            }

            @Override
            public List<Period> followUps() {
                if (followUps == null) {
                    throw new IllegalStateException("broken pathway");
                }
                return followUps;
            }

            @Override
            public List<String> contactOrder() {
                return List.of("email");
            }
        };
    }
}
