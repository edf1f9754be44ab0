import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;

/**
 * Seeds a stopped Waymark's embedded Derby with N invented people and N referrals for the caseload benchmark: 90% in
 * Sheffield, statuses mixed, a third unassigned, 2% held by the demo link worker, received over two years. Names come
 * from a short list so that family-name prefix searches find many people, as in real caseloads. NHS numbers are from
 * the 999 test range and marked unverified (so the unique index on verified numbers is not involved).
 *
 * Usage: java -cp derby.jar CaseloadSeed.java DB_DIR N
 */
public class CaseloadSeed {
    static final String[] FAMILY = {"smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel",
            "robinson", "wright", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "thomas", "clarke",
            "jackson", "wood", "harris", "edwards", "turner", "martin", "cooper", "hill", "ward", "hughes", "moore", "clark",
            "king", "harrison", "lewis", "baker", "lee", "allen", "morris", "khan", "scott", "watson", "davis", "parker",
            "james", "bennett", "young", "phillips", "richardson", "mitchell", "bailey", "carter", "cook", "singh", "shaw",
            "bell", "collins", "morgan", "kelly", "begum", "miller", "cox", "hussain", "marshall", "simpson", "price",
            "anderson", "adams", "wilkinson", "ali", "ahmed", "foster", "ellis", "murphy", "chapman", "mason", "gray",
            "richards", "webb", "griffiths", "hunt", "palmer", "campbell", "holmes", "mills", "rogers", "barnes", "knight",
            "matthews", "barker", "powell", "stevens", "kaur", "fisher", "butler", "dixon", "russell", "harvey", "pearson", "graham"};
    static final String[] STATUS = {"requested", "requested", "accepted", "in-progress", "in-progress", "in-progress", "on-hold",
            "completed", "completed", "rejected"};

    public static void main(String[] args) throws Exception {
        String db = args[0];
        int n = Integer.parseInt(args[1]);
        Random random = new Random(42);
        Instant now = Instant.now();
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement patient = c.prepareStatement("INSERT INTO wm_patient (id, nhs_number, nhs_verified, family, given, "
                    + "family_norm, given_norm, birth_date, gender, postcode, postcode_norm, version, created_at, updated_at) "
                    + "VALUES (?,?,FALSE,?,?,?,?,?,?,?,?,1,?,?)");
                 PreparedStatement referral = c.prepareStatement("INSERT INTO wm_referral (id, task_id, patient_id, sender_id, area, "
                         + "identifier_system, identifier_value, status, reason_text, priority, authored_on, requester, assignee, version, "
                         + "created_at, updated_at, family_norm) VALUES (?,?,?,'demo-gp',?,'https://bench.waymark.org/referral',?,?,?,?,?,?,?,1,?,?,?)")) {
                for (int i = 0; i < n; i++) {
                    String patientId = UUID.randomUUID().toString();
                    String family = FAMILY[random.nextInt(FAMILY.length)];
                    String familyName = Character.toUpperCase(family.charAt(0)) + family.substring(1);
                    Timestamp received = Timestamp.from(now.minus(random.nextInt(730 * 24 * 60), ChronoUnit.MINUTES));
                    patient.setString(1, patientId);
                    patient.setString(2, String.format("999%07d", 2_000_000 + i));
                    patient.setString(3, familyName);
                    patient.setString(4, "Person" + i);
                    patient.setString(5, family);
                    patient.setString(6, "person" + i);
                    patient.setDate(7, java.sql.Date.valueOf(LocalDate.of(1930 + random.nextInt(75), 1 + random.nextInt(12), 1 + random.nextInt(28))));
                    patient.setString(8, random.nextBoolean() ? "female" : "male");
                    patient.setString(9, "S" + (1 + random.nextInt(20)) + " " + random.nextInt(10) + "AB");
                    patient.setString(10, "s" + (1 + random.nextInt(20)) + random.nextInt(10) + "ab");
                    patient.setTimestamp(11, received);
                    patient.setTimestamp(12, received);
                    patient.addBatch();

                    int roll = random.nextInt(100);
                    String assignee = roll < 2 ? "linkworker" : roll < 35 ? null : "worker" + (roll % 40);
                    referral.setString(1, UUID.randomUUID().toString());
                    referral.setString(2, UUID.randomUUID().toString());
                    referral.setString(3, patientId);
                    referral.setString(4, random.nextInt(10) == 0 ? "islington" : "sheffield");
                    referral.setString(5, "BENCH-" + i);
                    String status = STATUS[random.nextInt(STATUS.length)];
                    referral.setString(6, assignee == null && !status.equals("requested") ? "requested" : status);
                    referral.setString(7, "Invented reason " + (i % 17));
                    referral.setString(8, random.nextInt(8) == 0 ? "urgent" : "routine");
                    referral.setTimestamp(9, received);
                    referral.setString(10, "Dr Bench, Bench Surgery");
                    referral.setString(11, assignee);
                    referral.setTimestamp(12, received);
                    referral.setTimestamp(13, received);
                    referral.setString(14, family);
                    referral.addBatch();
                    if (i % 1000 == 999) {
                        patient.executeBatch();
                        referral.executeBatch();
                        c.commit();
                    }
                    if (i % 100_000 == 99_999) {
                        System.out.printf("  %d referrals seeded (%d s)%n", i + 1, (System.nanoTime() - start) / 1_000_000_000);
                    }
                }
                patient.executeBatch();
                referral.executeBatch();
                c.commit();
            }
        }
        try {
            DriverManager.getConnection("jdbc:derby:;shutdown=true");
        } catch (java.sql.SQLException expected) {
            // Derby reports a clean shutdown as an exception.
        }
        System.out.printf("seeded %d people and referrals in %d s%n", n, (System.nanoTime() - start) / 1_000_000_000);
    }
}
