import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a stopped Waymark's embedded Derby and prints how many referrals were profile-checked in each 10 s (UTC), from
 * the time each check was recorded, then the checks by state. The node's log does not tell: at hundreds of referrals a
 * second each check is logged at DEBUG only.
 *
 * Usage: java -cp derby.jar CheckedPerInterval.java DB_DIR
 */
public class CheckedPerInterval {
    public static void main(String[] args) throws Exception {
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
        Map<Long, Integer> perInterval = new TreeMap<>();
        Map<String, Integer> byState = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + args[0]);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT state, checked_at FROM wm_referral_validation")) {
            while (r.next()) {
                byState.merge(r.getString(1), 1, Integer::sum);
                if (r.getTimestamp(2) != null && !"unavailable".equals(r.getString(1))) {
                    long second = r.getTimestamp(2).toInstant().getEpochSecond();
                    perInterval.merge(second - second % 10, 1, Integer::sum);
                }
            }
        } finally {
            try {
                DriverManager.getConnection("jdbc:derby:;shutdown=true");
            } catch (java.sql.SQLException expected) {
                // Derby answers a shutdown with an exception
            }
        }
        System.out.println("referrals profile-checked per 10 s (UTC):");
        perInterval.forEach((second, count) -> System.out.printf("  %s %5d%n",
                clock.format(java.time.Instant.ofEpochSecond(second)), count));
        System.out.println("checks by state: " + byState);
    }
}
