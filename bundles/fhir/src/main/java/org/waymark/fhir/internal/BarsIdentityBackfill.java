package org.waymark.fhir.internal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.SenderIdentityBackfill;
import org.waymark.platform.db.DatabaseThreads;

/**
 * Reads, once after the upgrade that began keeping them, the sender identities of BaRS referrals received before:
 * the sender's ServiceRequest id and its case or booking numbers, from each referral's message as it was received.
 * Until then an update naming such a referral by its ServiceRequest id found nothing, and a search by the sender's
 * case number missed it. Runs in the background, a batch at a time; what it has not reached when the node stops stays
 * queued for the next start (or another node).
 */
@Component(service = BarsIdentityBackfill.class, immediate = true)
public final class BarsIdentityBackfill {
    private static final Logger LOG = LoggerFactory.getLogger(BarsIdentityBackfill.class);
    private static final int BATCH = 100;
    /** After the start, so that the node's first minutes go to its requests rather than to this. */
    private static final Duration DELAY = Duration.ofSeconds(10);

    private final SenderIdentityBackfill queue;
    private final Fhir fhir;
    private final ScheduledExecutorService thread;
    private volatile boolean stopping;

    @Activate
    public BarsIdentityBackfill(@Reference SenderIdentityBackfill queue, @Reference Fhir fhir) {
        this.queue = queue;
        this.fhir = fhir;
        this.thread = DatabaseThreads.scheduler("waymark-bars-identity-backfill");
        // One run, then the thread ends: it had stayed, idle, for the node's life.
        thread.schedule(() -> {
            drain();
            thread.shutdown();
        }, DELAY.toSeconds(), TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        DatabaseThreads.stop(thread, Duration.ofSeconds(10));
    }

    /** Completes every queued referral; returns how many this call completed. */
    int drain() {
        int completed = 0;
        try {
            List<SenderIdentityBackfill.Pending> batch;
            while (!stopping && !(batch = queue.pending(BATCH)).isEmpty()) {
                for (SenderIdentityBackfill.Pending pending : batch) {
                    if (stopping) {
                        break;
                    }
                    Identities read = read(pending);
                    if (queue.complete(pending.referralId(), read.senderRequestId(), read.businessIdentifiers())) {
                        completed++;
                    }
                }
            }
            if (completed > 0) {
                LOG.info("Read the sender identities of {} BaRS referrals received before they were kept", completed);
            }
        } catch (RuntimeException e) {
            // The queue stays as it is and is taken up again at the next start.
            LOG.warn("Reading the sender identities of earlier BaRS referrals stopped after {}; the rest wait for the next start",
                    completed, e);
        }
        return completed;
    }

    record Identities(String senderRequestId, List<BusinessIdentifier> businessIdentifiers) {
        static final Identities NONE = new Identities(null, List.of());
    }

    /** What the referral's message says, or nothing when no message was kept or it cannot be read as one now. */
    Identities read(SenderIdentityBackfill.Pending pending) {
        Optional<FhirFormat> format = FhirFormat.ofStoredMediaType(pending.mediaType());
        if (pending.document() == null || format.isEmpty()) {
            return Identities.NONE;
        }
        try {
            BarsMessage message = new BarsMessage((Bundle) fhir.parseLeniently(format.get(), pending.document()));
            Bundle.BundleEntryComponent focus = message.focus();
            return new Identities(BarsMessage.senderRequestId(focus),
                    BarsMessage.businessIdentifiers((ServiceRequest) focus.getResource()));
        } catch (RuntimeException unreadable) {
            // Accepted once, under the rules of its day; its referral keeps what it has. Logged by the referral's id
            // alone: a parser's message may quote the content, which is a person's record.
            LOG.warn("The kept message of referral {} could not be read for its sender identities", pending.referralId());
            return Identities.NONE;
        }
    }
}
