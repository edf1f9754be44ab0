package org.waymark.referrals.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.StatusChange;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/**
 * A few invented referrals for the two pathfinder areas, so that a new user sees a working caseload. The people are
 * fictional and their NHS numbers come from the 999 range, which is never issued to real patients.
 */
@Component(immediate = true, configurationPid = "org.waymark.platform", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class DemoReferrals {
    private static final Logger LOG = LoggerFactory.getLogger(DemoReferrals.class);

    @interface Config {
        boolean demo() default false;
    }

    private record Person(String nhs, String given, String family, LocalDate born, String gender, String postcode,
                          String area, String reason, String priority) {
    }

    /** Demo people whose referral is already closed, so retention and the subject access export have history to show. */
    private record Closed(Person person, StatusChange... steps) {
    }

    private static final List<Closed> CLOSED = List.of(
            new Closed(new Person("9990019002", "Peter", "Lindqvist", LocalDate.of(1939, 6, 3), "male", "S11 8YB", "sheffield",
                    "Bereaved; wanted company and a reason to go out", "routine"),
                    new StatusChange(ReferralStatus.ACCEPTED, null, null),
                    new StatusChange(ReferralStatus.COMPLETED, null, "Joined a lunch club and a walking group; no further support needed")),
            new Closed(new Person("9990019010", "Grace", "Adeyemi", LocalDate.of(1987, 2, 11), "female", "N19 5QT", "islington",
                    "Money worries after a change of job", "routine"),
                    new StatusChange(ReferralStatus.REJECTED, "Moved out of the area before first contact", null)));

    private static final List<Person> PEOPLE = List.of(
            new Person("9990010005", "Margaret", "Holloway", LocalDate.of(1944, 3, 2), "female", "S10 2TN", "sheffield",
                    "Lives alone since her husband died; COPD; says she has not spoken to anyone for a week", "routine"),
            new Person("9990010374", "Derek", "Ashworth", LocalDate.of(1951, 11, 19), "male", "S6 3AB", "sheffield",
                    "Type 2 diabetes and heart failure; struggling with heating bills; no internet at home", "routine"),
            new Person("9990010749", "Shirley", "Okafor", LocalDate.of(1958, 7, 8), "female", "S2 4QF", "sheffield",
                    "Arthritis, rarely leaves the house; would like to find a walking group she can manage", "routine"),
            new Person("9990011117", "Tomasz", "Nowak", LocalDate.of(1949, 1, 27), "male", "S5 7DL", "sheffield",
                    "Recently discharged after a fall; debt letters piling up; asked for help with forms", "urgent"),
            new Person("9990011486", "Aisha", "Rahman", LocalDate.of(2006, 5, 14), "female", "N7 6PA", "islington",
                    "Anxiety and low mood since leaving college; wants help finding volunteering", "routine"),
            new Person("9990011850", "Jordan", "Mills", LocalDate.of(2003, 9, 30), "male", "N1 9GU", "islington",
                    "Learning disability; moving into supported housing; needs help using the NHS App", "routine"));

    @Activate
    public DemoReferrals(Config config, @Reference ReferralService referrals) {
        if (!config.demo()) {
            return;
        }
        Caller anyStaff = new Caller("system:demo", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield", "islington"), false);
        if (referrals.search(anyStaff, ReferralSearch.all(0, 0)).total() > 0) {
            return;
        }
        Instant now = Instant.now();
        int n = 0;
        for (Person p : PEOPLE) {
            Caller gp = new Caller(p.area().equals("sheffield") ? "demo-gp" : "demo-islington-gp", Caller.Kind.CLIENT,
                    Set.of(Roles.REFERRER), Set.of(p.area()), false);
            referrals.receive(gp, new NewReferral("https://demo.waymark.org/referral", "DEMO-" + (++n),
                    Subject.described(NhsNumber.parse(p.nhs()).orElseThrow(),
                            new Demographics(p.family(), p.given(), p.born(), p.gender(), p.postcode())),
                    p.reason(), null, p.priority(), now.minus(n * 2L, ChronoUnit.DAYS), "Dr A. Demo, Demo Surgery", null,
                    null, null));
        }
        for (Closed closed : CLOSED) {
            Person p = closed.person();
            Caller gp = new Caller(p.area().equals("sheffield") ? "demo-gp" : "demo-islington-gp", Caller.Kind.CLIENT,
                    Set.of(Roles.REFERRER), Set.of(p.area()), false);
            Referral referral = referrals.receive(gp, new NewReferral("https://demo.waymark.org/referral", "DEMO-" + (++n),
                    Subject.described(NhsNumber.parse(p.nhs()).orElseThrow(),
                            new Demographics(p.family(), p.given(), p.born(), p.gender(), p.postcode())),
                    p.reason(), null, p.priority(), now.minus(n * 30L, ChronoUnit.DAYS), "Dr A. Demo, Demo Surgery", null,
                    null, null)).referral();
            for (StatusChange step : closed.steps()) {
                referral = referrals.changeStatus(anyStaff, referral.id(), step, referral.version());
            }
        }
        LOG.info("{} demo referrals created ({} of them closed)", n, CLOSED.size());
    }
}
