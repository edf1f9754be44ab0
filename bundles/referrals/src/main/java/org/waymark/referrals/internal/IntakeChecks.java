package org.waymark.referrals.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.intake.IntakeValidator;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.triage.TriageFacts;

/**
 * An area's own intake checks (plugins), run before a referral is stored and outside its transaction. An error
 * refuses the referral with the validator's words; warnings go back to the sender. A validator that fails is skipped:
 * a broken plugin never stops intake.
 */
@Component(service = IntakeChecks.class)
public final class IntakeChecks {
    static final Duration TIME_LIMIT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(IntakeChecks.class);

    private final PluginRegistry plugins;
    private final Clock clock;

    @Activate
    public IntakeChecks(@Reference PluginRegistry plugins) {
        this(plugins, Clock.systemUTC());
    }

    IntakeChecks(PluginRegistry plugins, Clock clock) {
        this.plugins = plugins;
        this.clock = clock;
    }

    /** The warnings for the sender; throws 422 when a validator finds an error. */
    List<String> check(String area, NewReferral referral) {
        List<PluginService<IntakeValidator>> validators = plugins.services(IntakeValidator.class, area);
        if (validators.isEmpty()) {
            return List.of();
        }
        TriageFacts facts = facts(area, referral);
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (PluginService<IntakeValidator> validator : validators) {
            List<IntakeValidator.Finding> findings;
            try {
                findings = plugins.call(validator, TIME_LIMIT, v -> v.validate(facts));
            } catch (PluginCallException e) {
                LOG.warn("Intake validator of {} failed and was skipped: {}", validator.pluginId(),
                        e.timedOut() ? "timed out" : String.valueOf(e.getCause()));
                continue;
            }
            for (IntakeValidator.Finding finding : findings == null ? List.<IntakeValidator.Finding>of() : findings) {
                (finding.severity() == IntakeValidator.Finding.Severity.ERROR ? errors : warnings)
                        .add(PatientLinker.clip(finding.text(), 300));
            }
        }
        if (!errors.isEmpty()) {
            throw WaymarkException.unprocessable("The receiving area does not accept this referral: " + String.join("; ", errors));
        }
        return warnings;
    }

    private TriageFacts facts(String area, NewReferral referral) {
        LocalDate today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
        Demographics person = referral.subject().demographics() == null ? Demographics.NONE : referral.subject().demographics();
        return TriageFacts.of("new", area, person.birthDate(), person.gender(), person.postcode(), referral.reasonCode(),
                referral.reasonText(), referral.priority(), today);
    }
}
