package org.waymark.digitalskills.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.measure.MeasureHistory;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.skills.DeprivationLookup;
import org.waymark.platform.db.Jdbc;

/**
 * The digital-skills report of an area for the referrals it received in a date range: the funnel (referred, engaged,
 * assessed, followed up, improved), follow-up completion, change per skill area, and an equity view of the funnel by
 * age band, sex, ethnicity, deprivation (where the area supplies a lookup) and digital capability at baseline. Every
 * count goes through {@link Suppression}.
 */
@Component(service = Reports.class)
public final class Reports {
    static final int THRESHOLD = 5;
    static final int MAX_PEOPLE = 20_000;
    static final List<String> STAGES = List.of("referred", "engaged", "assessed", "followedUp", "improved");
    static final Map<String, String> STAGE_LABELS = Map.of("referred", "Referred", "engaged", "Engaged", "assessed", "Assessed",
            "followedUp", "Followed up", "improved", "Improved");
    private static final EnumSet<ReferralStatus> ENGAGED = EnumSet.of(ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS,
            ReferralStatus.ON_HOLD, ReferralStatus.COMPLETED);
    private static final Duration PLUGIN_LIMIT = Duration.ofSeconds(1);
    private static final String NOT_KNOWN = "Not known";

    /**
     * One person of the cohort (all their referrals received in the range), as the report counts them: described as at
     * their first referral in the range; engaged or followed up if any of those referrals is; assessed, capability and
     * improvement from their first assessment on any of them to their latest.
     */
    record Person(String ageBand, String sex, String ethnicity, String deprivation, String capability, boolean engaged,
                  boolean assessed, boolean followedUp, boolean improved) {
        boolean at(String stage) {
            return switch (stage) {
                case "referred" -> true;
                case "engaged" -> engaged;
                case "assessed" -> assessed;
                case "followedUp" -> followedUp;
                case "improved" -> improved;
                default -> throw new IllegalArgumentException(stage);
            };
        }
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final Assessments assessments;
    private final FollowUps followUps;
    private final PluginRegistry plugins;
    private final MeasureHistory measures;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public Reports(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                   @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.digitalskills)") SchemaReady schema,
                   @Reference ReferralService referrals, @Reference Assessments assessments, @Reference FollowUps followUps,
                   @Reference PluginRegistry plugins, @Reference MeasureHistory measures, @Reference AuditLog audit) {
        this(db, referrals, assessments, followUps, plugins, measures, audit, Clock.systemUTC());
    }

    Reports(DataSource db, ReferralService referrals, Assessments assessments, FollowUps followUps, PluginRegistry plugins,
            MeasureHistory measures, AuditLog audit, Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.assessments = assessments;
        this.followUps = followUps;
        this.plugins = plugins;
        this.measures = measures;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The referrals received from the first day's start to the last day's end, both inclusive, in local days. The end
     * is the day's last nanosecond: times are kept finer than milliseconds, and a range that ended at .999 ms left out
     * a referral received in the day's last millisecond (found probing the FHIR date searches, which had the same fault).
     */
    static TimeRange receivedOn(LocalDate first, LocalDate last) {
        return new TimeRange(first.atStartOfDay(Schedule.ZONE).toInstant(),
                last.plusDays(1).atStartOfDay(Schedule.ZONE).toInstant().minusNanos(1));
    }

    /** The report; {@code from} and {@code to} are days in Europe/London, both included (default: the last year). */
    Map<String, Object> report(Caller caller, String area, LocalDate from, LocalDate to) {
        if (area == null || area.isBlank()) {
            throw WaymarkException.invalid("area is required");
        }
        if (!caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("You are not an admin of this area");
        }
        LocalDate today = Schedule.today(clock.instant());
        LocalDate end = to == null ? today : to;
        LocalDate start = from == null ? end.minus(Period.ofYears(1)).plusDays(1) : from;
        if (start.isAfter(end)) {
            throw WaymarkException.invalid("from must not be after to");
        }
        TimeRange received = receivedOn(start, end);
        List<Referral> cohort = cohort(caller, area, received);
        record Data(Map<String, List<Assessments.Assessment>> assessed, List<FollowUps.FollowUp> followUps,
                    Map<String, Optional<String>> ethnicity) {
        }
        Data data = Jdbc.inTransaction(db, c -> new Data(assessments.byReferral(c, area), followUps.inArea(c, area), Plans.ethnicities(c)));
        Optional<PluginService<DeprivationLookup>> deprivation = plugins.services(DeprivationLookup.class, area).stream().findFirst();

        Map<String, List<FollowUps.FollowUp>> followUpsByReferral = new HashMap<>();
        data.followUps().forEach(f -> followUpsByReferral.computeIfAbsent(f.referralId(), k -> new ArrayList<>()).add(f));
        List<Person> people = new ArrayList<>();
        int due = 0;
        int done = 0;
        Map<String, int[]> change = new LinkedHashMap<>();
        // Outcome measures (ONS4, and any licensed measure the area uses), measure/item -> [people, sum of change].
        Map<String, int[]> measureChange = new java.util.TreeMap<>();
        Framework.AREAS.forEach(a -> change.put(a.code(), new int[2]));
        for (List<Referral> theirs : byPerson(cohort)) {
            Referral first = theirs.get(0);
            Demographics demographics = referrals.findPatient(caller, first.patientId()).map(Patient::demographics)
                    .orElse(Demographics.NONE);
            List<Assessments.Assessment> assessed = theirs.stream()
                    .flatMap(r -> data.assessed().getOrDefault(r.id(), List.of()).stream())
                    .sorted(Comparator.comparing(Assessments.Assessment::takenAt).thenComparing(Assessments.Assessment::id))
                    .toList();
            boolean followedUp = false;
            for (Referral referral : theirs) {
                // As the referral stands: a follow-up its closing cancelled was never due.
                for (FollowUps.FollowUp f : followUpsByReferral.getOrDefault(referral.id(), List.of())) {
                    FollowUps.FollowUp now = f.asOf(referral);
                    followedUp |= FollowUps.DONE.equals(now.status());
                    if (!FollowUps.CANCELLED.equals(now.status()) && !now.dueOn().isAfter(end) && !now.dueOn().isAfter(today)) {
                        due++;
                        if (FollowUps.DONE.equals(now.status())) {
                            done++;
                        }
                    }
                }
            }
            Assessments.Assessment baseline = assessed.isEmpty() ? null : assessed.get(0);
            Assessments.Assessment latest = assessed.isEmpty() ? null : assessed.get(assessed.size() - 1);
            if (baseline != null) {
                // The history is the person's (over all their referrals the caller may see): read once per person, and
                // kept to this cohort's referrals. Found probing: for an admin of two areas, the Sheffield report
                // showed the change from a baseline on a Sheffield referral to a score recorded on the person's
                // Islington referral, so one area's figures held another's data and differed by who asked.
                Set<String> cohortIds = new HashSet<>();
                theirs.forEach(r -> cohortIds.add(r.id()));
                measureChange(ofReferrals(measures.history(caller, first.id()), cohortIds), measureChange);
            }
            if (assessed.size() > 1) {
                for (Framework.SkillArea skill : Framework.AREAS) {
                    int[] sum = change.get(skill.code());
                    sum[0]++;
                    sum[1] += Progress.score(latest, skill.code()).score() - Progress.score(baseline, skill.code()).score();
                }
            }
            people.add(new Person(ageBand(demographics.birthDate(), first.created()), sex(demographics.gender()),
                    data.ethnicity().getOrDefault(first.patientId(), Optional.empty()).map(Plans.ETHNICITY::get).orElse(NOT_KNOWN),
                    deprivation.map(d -> decile(d, demographics.postcode())).orElse(NOT_KNOWN),
                    baseline == null ? "Not assessed" : Framework.Level.of(baseline.overall()).label,
                    baseline != null || theirs.stream().anyMatch(r -> ENGAGED.contains(r.status())), baseline != null, followedUp,
                    assessed.size() > 1 && Progress.improved(baseline, latest)));
        }
        audit.record(caller, AuditLog.Action.SEARCH, "DigitalSkillsReport", area + " " + start + ".." + end, null);

        Suppression suppression = new Suppression(THRESHOLD);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("area", area);
        json.put("from", start.toString());
        json.put("to", end.toString());
        json.put("threshold", THRESHOLD);
        json.put("generatedAt", clock.instant().toString());
        List<Dimension> dimensions = List.of(new Dimension("ageBand", "Age band", Person::ageBand, null),
                new Dimension("sex", "Sex", Person::sex, null),
                new Dimension("ethnicity", "Ethnicity", Person::ethnicity, null),
                new Dimension("deprivation", "Deprivation (IMD decile of the postcode)", Person::deprivation,
                        deprivation.isPresent() ? null : "This area has no postcode deprivation lookup installed"),
                new Dimension("capability", "Digital capability at the first assessment", Person::capability, null));
        // A stage's total is withheld where some group's column could not be kept from giving its hidden counts away.
        Set<String> withheld = new HashSet<>();
        for (String stage : STAGES) {
            for (Dimension dimension : dimensions) {
                if (suppression.needsTotalWithheld(counts(people, dimension.category(), categories(people, dimension), stage))) {
                    withheld.add(stage);
                }
            }
        }
        List<Map<String, Object>> funnel = new ArrayList<>();
        for (String stage : STAGES) {
            int count = (int) people.stream().filter(p -> p.at(stage)).count();
            funnel.add(Map.of("stage", stage, "label", STAGE_LABELS.get(stage), "count",
                    withheld.contains(stage) ? Suppression.MARK : suppression.cell(count)));
        }
        json.put("funnel", funnel);
        json.put("followUps", Map.of("due", suppression.cell(due), "done", suppression.cell(done),
                "completion", suppression.percent(done, due)));
        List<Map<String, Object>> areaChange = new ArrayList<>();
        for (Framework.SkillArea skill : Framework.AREAS) {
            int[] sum = change.get(skill.code());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("area", skill.code());
            row.put("title", skill.title());
            row.put("people", suppression.cell(sum[0]));
            row.put("meanChange", sum[0] == 0 || suppression.hides(sum[0]) ? (sum[0] == 0 ? "-" : Suppression.MARK)
                    : String.format(java.util.Locale.UK, "%+.1f", (double) sum[1] / sum[0]));
            areaChange.add(row);
        }
        json.put("skillAreaChange", areaChange);
        List<Map<String, Object>> outcomes = new ArrayList<>();
        measureChange.forEach((key, sum) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("measure", key.substring(0, key.indexOf('/')));
            row.put("item", key.substring(key.indexOf('/') + 1));
            row.put("people", suppression.cell(sum[0]));
            row.put("meanChange", suppression.hides(sum[0]) ? Suppression.MARK
                    : String.format(java.util.Locale.UK, "%+.1f", (double) sum[1] / sum[0]));
            outcomes.add(row);
        });
        json.put("outcomeChange", outcomes);
        List<Map<String, Object>> equity = new ArrayList<>();
        dimensions.forEach(d -> equity.add(group(suppression, people, d, withheld)));
        json.put("equity", equity);
        return json;
    }

    /**
     * The responses recorded on these referrals. One that does not say which referral it was on (a provider of the
     * API before 1.2) is kept, as before.
     */
    static List<MeasureHistory.Recorded> ofReferrals(List<MeasureHistory.Recorded> history, Set<String> referralIds) {
        return history.stream().filter(r -> r.referralId() == null || referralIds.contains(r.referralId())).toList();
    }

    /** First and latest response of each measure the person has two or more of: the change per item. */
    static void measureChange(List<MeasureHistory.Recorded> history, Map<String, int[]> sums) {
        Map<String, List<MeasureHistory.Recorded>> byMeasure = new LinkedHashMap<>();
        history.forEach(r -> byMeasure.computeIfAbsent(r.measureId(), k -> new ArrayList<>()).add(r));
        byMeasure.forEach((measure, responses) -> {
            if (responses.size() < 2) {
                return;
            }
            MeasureHistory.Recorded first = responses.get(0);
            MeasureHistory.Recorded latest = responses.get(responses.size() - 1);
            first.answers().forEach((item, before) -> {
                Integer after = latest.answers().get(item);
                if (after != null) {
                    int[] sum = sums.computeIfAbsent(measure + "/" + item, k -> new int[2]);
                    sum[0]++;
                    sum[1] += after - before;
                }
            });
        });
    }

    private List<Referral> cohort(Caller caller, String area, TimeRange received) {
        List<Referral> all = new ArrayList<>();
        int offset = 0;
        while (true) {
            ReferralSearch search = ReferralSearch.all(offset, ReferralSearch.MAX_COUNT).withArea(area)
                    .withCaseloadFilters(null, received, true);
            Page<Referral> page = referrals.search(caller, search);
            all.addAll(page.items());
            if (!page.hasNext() || page.items().isEmpty()) {
                return all;
            }
            if (all.size() >= MAX_PEOPLE) {
                throw WaymarkException.unprocessable("More than " + MAX_PEOPLE + " referrals in this range: choose a shorter one");
            }
            offset += page.items().size();
        }
    }

    /**
     * The cohort by person (the referral's linked patient), each person's referrals oldest first: the report counts
     * people, so one person referred five times is one, not five (which also defeated the suppression).
     */
    static List<List<Referral>> byPerson(List<Referral> cohort) {
        Map<String, List<Referral>> people = new LinkedHashMap<>();
        cohort.forEach(r -> people.computeIfAbsent(r.patientId(), k -> new ArrayList<>()).add(r));
        people.values().forEach(list -> list.sort(Comparator.comparing(Referral::created).thenComparing(Referral::id)));
        return List.copyOf(people.values());
    }

    /** A dimension of the equity view; {@code unavailable}: why the area cannot have it, or null. */
    record Dimension(String code, String label, Function<Person, String> category, String unavailable) {
    }

    private static List<String> categories(List<Person> people, Dimension dimension) {
        return people.stream().map(dimension.category()).distinct().sorted(Reports::byLabel).toList();
    }

    private static List<Integer> counts(List<Person> people, Function<Person, String> category, List<String> categories, String stage) {
        return categories.stream()
                .map(c -> (int) people.stream().filter(p -> category.apply(p).equals(c) && p.at(stage)).count()).toList();
    }

    private static Map<String, Object> group(Suppression suppression, List<Person> people, Dimension dimension, Set<String> withheld) {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("dimension", dimension.code());
        group.put("label", dimension.label());
        group.put("available", dimension.unavailable() == null);
        if (dimension.unavailable() != null) {
            group.put("note", dimension.unavailable());
        }
        List<String> categories = categories(people, dimension);
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        categories.forEach(c -> rows.put(c, new LinkedHashMap<>()));
        for (String stage : STAGES) {
            List<String> shown = suppression.column(counts(people, dimension.category(), categories, stage), !withheld.contains(stage));
            for (int i = 0; i < categories.size(); i++) {
                rows.get(categories.get(i)).put(stage, shown.get(i));
            }
        }
        group.put("rows", rows.entrySet().stream().map(e -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("category", e.getKey());
            row.putAll(e.getValue());
            return row;
        }).toList());
        return group;
    }

    /** Categories in a natural order: "Not known" and "Not assessed" last. */
    private static int byLabel(String a, String b) {
        boolean aLast = a.startsWith("Not ");
        boolean bLast = b.startsWith("Not ");
        return aLast != bLast ? (aLast ? 1 : -1) : a.compareTo(b);
    }

    static String ageBand(LocalDate birthDate, Instant at) {
        if (birthDate == null) {
            return NOT_KNOWN;
        }
        int age = Period.between(birthDate, at.atZone(Schedule.ZONE).toLocalDate()).getYears();
        if (age < 18) {
            return "0-17";
        }
        if (age < 35) {
            return "18-34";
        }
        if (age < 50) {
            return "35-49";
        }
        if (age < 65) {
            return "50-64";
        }
        return age < 75 ? "65-74" : "75+";
    }

    static String sex(String gender) {
        if (gender == null) {
            return NOT_KNOWN;
        }
        return switch (gender) {
            case "female" -> "Female";
            case "male" -> "Male";
            case "other" -> "Other";
            default -> NOT_KNOWN;
        };
    }

    private String decile(PluginService<DeprivationLookup> lookup, String postcode) {
        if (postcode == null || postcode.isBlank()) {
            return NOT_KNOWN;
        }
        try {
            OptionalInt decile = plugins.call(lookup, PLUGIN_LIMIT, l -> l.decile(postcode));
            if (decile == null || decile.isEmpty() || decile.getAsInt() < 1 || decile.getAsInt() > 10) {
                return NOT_KNOWN;
            }
            int d = decile.getAsInt();
            // Pairs of deciles (quintiles) keep the groups large enough to show.
            int low = d % 2 == 0 ? d - 1 : d;
            return "Deciles " + low + "-" + (low + 1) + (low == 1 ? " (most deprived)" : low == 9 ? " (least deprived)" : "");
        } catch (PluginCallException e) {
            return NOT_KNOWN;
        }
    }

    /** The report as CSV: one line per figure, suppressed as on screen. */
    static String csv(Map<String, Object> report) {
        StringBuilder csv = new StringBuilder("section,group,category,");
        csv.append(String.join(",", STAGES)).append("\r\n");
        StringBuilder funnel = new StringBuilder("funnel,all,all");
        for (Object stage : (List<?>) report.get("funnel")) {
            funnel.append(',').append(((Map<?, ?>) stage).get("count"));
        }
        csv.append(funnel).append("\r\n");
        for (Object g : (List<?>) report.get("equity")) {
            Map<?, ?> group = (Map<?, ?>) g;
            for (Object r : (List<?>) group.get("rows")) {
                Map<?, ?> row = (Map<?, ?>) r;
                csv.append("equity,").append(field(group.get("dimension"))).append(',').append(field(row.get("category")));
                for (String stage : STAGES) {
                    csv.append(',').append(row.get(stage));
                }
                csv.append("\r\n");
            }
        }
        csv.append("\r\nsection,measure,value\r\n");
        Map<?, ?> follow = (Map<?, ?>) report.get("followUps");
        csv.append("follow-ups,due,").append(follow.get("due")).append("\r\n");
        csv.append("follow-ups,done,").append(follow.get("done")).append("\r\n");
        csv.append("follow-ups,completion,").append(follow.get("completion")).append("\r\n");
        for (Object r : (List<?>) report.get("skillAreaChange")) {
            Map<?, ?> row = (Map<?, ?>) r;
            csv.append("skill-area-change,").append(field(row.get("area"))).append(" people,").append(row.get("people")).append("\r\n");
            csv.append("skill-area-change,").append(field(row.get("area"))).append(" mean change,").append(row.get("meanChange")).append("\r\n");
        }
        for (Object r : (List<?>) report.get("outcomeChange")) {
            Map<?, ?> row = (Map<?, ?>) r;
            String name = field(row.get("measure")) + " " + field(row.get("item"));
            csv.append("outcome-change,").append(name).append(" people,").append(row.get("people")).append("\r\n");
            csv.append("outcome-change,").append(name).append(" mean change,").append(row.get("meanChange")).append("\r\n");
        }
        csv.append("\r\nnote,Counts from 1 to ").append(THRESHOLD - 1).append(" are shown as *; more counts are hidden where"
                + " a total would reveal one; a total shown as * is withheld where nothing else can keep a count from being worked out,\r\n");
        csv.append("area,").append(field(report.get("area"))).append(",\r\nfrom,").append(report.get("from"))
                .append(",\r\nto,").append(report.get("to")).append(",\r\n");
        return csv.toString();
    }

    private static String field(Object value) {
        String text = String.valueOf(value);
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

}
