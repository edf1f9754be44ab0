import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Caseload queries over HTTP as the console sends them (one worker, HTTP Basic): the working list, a family-name
 * search, an NHS-number search, filters, and the oldest-first order. Each query is warmed up, then timed over a
 * number of sequential requests; prints p50, p95 and p99 in milliseconds and the matching total.
 *
 * Usage: java CaseloadBench.java BASE_URL WARMUP_SECONDS REQUESTS_PER_QUERY
 */
public class CaseloadBench {
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int warmup = Integer.parseInt(args[1]);
        int requests = Integer.parseInt(args[2]);
        String auth = "Basic " + Base64.getEncoder().encodeToString("linkworker:linkworker".getBytes(StandardCharsets.UTF_8));
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("working list, first page", "/api/referrals?count=25");
        queries.put("working list, page 3", "/api/referrals?count=25&offset=50");
        queries.put("search family name prefix", "/api/referrals?search=hollo&count=25");
        queries.put("search common name prefix", "/api/referrals?search=smi&count=25");
        // A person on the working list, so that the search finds them (the seed's numbers are random).
        String listed = get(base + "/api/referrals?count=1&offset=10", auth).body();
        String nhsNumber = listed.replaceAll("(?s).*?\"nhsNumber\":\"(\\d{10})\".*", "$1");
        if (!nhsNumber.matches("\\d{10}")) {
            throw new IllegalStateException("No NHS number on the working list: " + listed);
        }
        queries.put("search NHS number", "/api/referrals?search=" + nhsNumber + "&count=25");
        queries.put("unassigned queue, urgent, oldest first", "/api/referrals?assignee=-&priority=urgent&sort=oldest&count=25");
        queries.put("my referrals waiting 30+ days", "/api/referrals?assignee=linkworker&waitingDays=30&count=25");
        long deadline = System.nanoTime() + warmup * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String path : queries.values()) {
                get(base + path, auth);
            }
        }
        System.out.printf("%-42s %8s %8s %8s %8s%n", "query", "p50 ms", "p95 ms", "p99 ms", "total");
        for (Map.Entry<String, String> query : queries.entrySet()) {
            long[] micros = new long[requests];
            String total = "";
            for (int i = 0; i < requests; i++) {
                long start = System.nanoTime();
                HttpResponse<String> response = get(base + query.getValue(), auth);
                micros[i] = (System.nanoTime() - start) / 1000;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(query.getKey() + ": HTTP " + response.statusCode() + " " + response.body());
                }
                total = response.body().replaceAll("(?s)^\\{\"total\":(\\d+).*", "$1");
            }
            Arrays.sort(micros);
            System.out.printf("%-42s %8.1f %8.1f %8.1f %8s%n", query.getKey(), micros[requests / 2] / 1000.0,
                    micros[(int) (requests * 0.95)] / 1000.0, micros[(int) (requests * 0.99)] / 1000.0, total);
        }
    }

    static HttpResponse<String> get(String url, String auth) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
