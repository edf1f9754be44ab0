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
 * from a short list so that family-name prefix searches find many people, as in real caseloads. Nine people in ten
 * have a verified NHS number (valid check digit, from 990 000 000 0 upwards, a range bench/IntakeBench.java never
 * sends), as GP referrals mostly do; the tenth has an unverified one from the 999 test range, as a self-referral or a
 * mistyped number would.
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

    private static long nextNine = 990_000_000L;

    /** The next NHS number from 990 000 000 0 upwards whose mod-11 check digit is valid. */
    static String nextVerified() {
        while (true) {
            String nine = Long.toString(nextNine++);
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (nine.charAt(i) - '0') * (10 - i);
            }
            int check = (11 - sum % 11) % 11;
            if (check != 10) {
                return nine + check;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String db = args[0];
        int n = Integer.parseInt(args[1]);
        Random random = new Random(42);
        Instant now = Instant.now();
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement patient = c.prepareStatement("INSERT INTO wm_patient (id, nhs_number, nhs_verified, family, given, "
                    + "family_norm, given_norm, birth_date, gender, postcode, postcode_norm, version, created_at, updated_at, "
                    + "verified_nhs_number) VALUES (?,?,?,?,?,?,?,?,?,?,?,1,?,?,?)");
                 PreparedStatement referral = c.prepareStatement("INSERT INTO wm_referral (id, task_id, patient_id, sender_id, area, "
                         + "identifier_system, identifier_value, status, reason_text, priority, authored_on, requester, assignee, version, "
                         + "created_at, updated_at, family_norm) VALUES (?,?,?,'demo-gp',?,'https://bench.waymark.org/referral',?,?,?,?,?,?,?,1,?,?,?)")) {
                for (int i = 0; i < n; i++) {
                    String patientId = UUID.randomUUID().toString();
                    String family = FAMILY[random.nextInt(FAMILY.length)];
                    String familyName = Character.toUpperCase(family.charAt(0)) + family.substring(1);
                    Timestamp received = Timestamp.from(now.minus(random.nextInt(730 * 24 * 60), ChronoUnit.MINUTES));
                    boolean verified = random.nextInt(10) != 0;
                    String nhsNumber = verified ? nextVerified() : String.format("999%07d", 2_000_000 + i);
                    patient.setString(1, patientId);
                    patient.setString(2, nhsNumber);
                    patient.setBoolean(3, verified);
                    patient.setString(4, familyName);
                    patient.setString(5, "Person" + i);
                    patient.setString(6, family);
                    patient.setString(7, "person" + i);
                    patient.setDate(8, java.sql.Date.valueOf(LocalDate.of(1930 + random.nextInt(75), 1 + random.nextInt(12), 1 + random.nextInt(28))));
                    patient.setString(9, random.nextBoolean() ? "female" : "male");
                    patient.setString(10, "S" + (1 + random.nextInt(20)) + " " + random.nextInt(10) + "AB");
                    patient.setString(11, "s" + (1 + random.nextInt(20)) + random.nextInt(10) + "ab");
                    patient.setTimestamp(12, received);
                    patient.setTimestamp(13, received);
                    patient.setString(14, verified ? nhsNumber : null);
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
