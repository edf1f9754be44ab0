#set( $symbol_dollar = '$' )
package ${package};

import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;

/**
 * An example triage rule for ${area}: a referral whose reason mentions a phrase (by default "${phrase}") gets extra
 * points and, if configured, a priority and a route within the area.
 *
 * <p>The {@value PluginRegistry#AREA} service property limits the rule to ${area}'s referrals; the core asks it about
 * each new referral of that area, after the referral is stored, through its guard (with a time limit: keep
 * {@link #assess} quick and free of I/O). An admin can change the settings at run time with the configuration PID
 * {@value #PID} (e.g. {@code etc/${package}.PhraseTriageRule.cfg}).
 */
@Component(service = TriageRule.class, configurationPid = PhraseTriageRule.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = PluginRegistry.AREA + "=${area}")
@Designate(ocd = PhraseTriageRule.Config.class)
public final class PhraseTriageRule implements TriageRule {
    static final String PID = "${package}.PhraseTriageRule";

    @ObjectClassDefinition(name = "${artifactId}: phrase triage rule")
    public @interface Config {
        @AttributeDefinition(description = "Words in the reason for referral that this rule looks for (any case)")
        String phrase() default "${phrase}";

        @AttributeDefinition(description = "Points added when the phrase is mentioned, -100 to 100")
        int score() default 20;

        @AttributeDefinition(description = "Priority asked for (routine, urgent or asap); empty: leave it as it is")
        String priority() default "";

        @AttributeDefinition(description = "Team or queue within the area to route to (lower case, digits, hyphens); empty: none")
        String route() default "";
    }

    private final String phrase;
    private final int score;
    private final String priority;
    private final String route;

    @Activate
    public PhraseTriageRule(Config config) {
        this(config.phrase(), config.score(), config.priority(), config.route());
    }

    PhraseTriageRule(String phrase, int score, String priority, String route) {
        if (phrase == null || phrase.isBlank()) {
            throw new IllegalArgumentException("The phrase to look for must not be empty");
        }
        this.phrase = phrase.strip();
        this.score = score;
        this.priority = priority == null || priority.isBlank() ? null : priority.strip();
        this.route = route == null || route.isBlank() ? null : route.strip();
        // Fail at activation (SCR reports it) rather than on every referral: a decision checks its own values.
        new TriageDecision(this.score, this.priority, this.route, List.of());
    }

    @Override
    public String id() {
        return "${artifactId}-phrase";
    }

    @Override
    public Optional<TriageDecision> assess(TriageFacts referral) {
        if (!referral.mentions(phrase)) {
            return Optional.empty();
        }
        return Optional.of(new TriageDecision(score, priority, route,
                List.of("The reason for referral mentions \"" + phrase + "\"")));
    }
}
