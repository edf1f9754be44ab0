package org.waymark.digitalskills.internal;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.StaffDirectory;

/** Test doubles that keep what they were given and check the outbox rule: inside the change's transaction. */
final class Fakes {
    private Fakes() {
    }

    /** An audit log that keeps nothing. */
    static final AuditLog AUDIT = (caller, action, type, id, patient) -> { };

    /** The follow-ups of a test, over its database and doubles, with no pathway plugin. */
    static FollowUps followUps(DataSource db, Referrals referrals, Jobs jobs, Notices notices, Staff staff, Clock clock) {
        return new FollowUps(db, referrals.service(), jobs, notices, new Plugins(), staff, AUDIT, clock);
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

    /**
     * Referrals of Sheffield as the real service scopes them: a caller sees one only with the area; each can be moved
     * to another status or worker. Any other call than {@code find} is a bug of the caller.
     */
    static final class Referrals {
        final Map<String, ReferralStatus> status = new ConcurrentHashMap<>();
        final Map<String, String> assignee = new ConcurrentHashMap<>();
        final List<Caller> readers = new CopyOnWriteArrayList<>();

        Referrals open(String id, String worker) {
            status.put(id, ReferralStatus.ACCEPTED);
            if (worker != null) {
                assignee.put(id, worker);
            }
            return this;
        }

        ReferralService service() {
            return (ReferralService) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {ReferralService.class},
                    (proxy, method, args) -> {
                        if (!method.getName().equals("find")) {
                            throw new AssertionError("Digital skills must not call ReferralService." + method.getName());
                        }
                        Caller caller = (Caller) args[0];
                        String id = (String) args[1];
                        readers.add(caller);
                        if (!status.containsKey(id) || !caller.mayAccessArea("sheffield")) {
                            return Optional.empty();
                        }
                        Instant at = Instant.parse("2026-10-01T09:00:00Z");
                        return Optional.of(new Referral(id, "task-" + id, "patient-1", null, "A Person", "demo-gp", "sheffield",
                                null, null, status.get(id), null, "Lonely", null, "routine", at, null, null, assignee.get(id), 1,
                                at, at));
                    });
        }
    }

    /** The users who can sign in: link workers of Sheffield. */
    static final class Staff implements StaffDirectory {
        final Set<String> active = ConcurrentHashMap.newKeySet();

        @Override
        public Optional<Caller> findStaff(String username) {
            return active.contains(username) ? Optional.of(worker(username)) : Optional.empty();
        }

        @Override
        public List<Caller> staffOf(String area) {
            return active.stream().map(Staff::worker).toList();
        }

        static Caller worker(String username) {
            return new Caller(username, Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
        }
    }
}
