import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * Directory search over HTTP with many services: imports COUNT invented services (organisations with nested
 * services, locations, schedules and taxonomy terms, as Open Referral JSON) through POST /api/directory/imports,
 * warms up, then times three kinds of search on GET /directory/services for a fixed time each: a text search, a text
 * search near a postcode (distance ranking), and filters only (day, age, postcode with proximity). Prints p50/p95/p99
 * and throughput per kind, over HTTP and inside the server (its Server-Timing header: parsing, search, paging, views). Run by bench/directory.sh against a fresh server.
 *
 * Usage: java DirectoryBench.java BASE_URL ADMIN_USER ADMIN_PASSWORD COUNT WARMUP_S SECONDS CLIENTS
 */
public class DirectoryBench {
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final String[] WORDS = {"walking", "lunch", "club", "debt", "advice", "digital", "skills", "choir", "garden",
            "allotment", "carers", "coffee", "befriending", "art", "painting", "yoga", "chair", "exercise", "cooking",
            "food", "bank", "housing", "repairs", "benefits", "employment", "cv", "english", "conversation", "men's",
            "shed", "swimming", "dance", "reading", "library", "computer", "phone", "bereavement", "support", "group",
            "young", "older", "people", "family", "parents", "toddlers", "music", "photography", "nature", "volunteer"};
    static final String[] TERMS = {"Physical activity", "Social connection", "Money and debt advice", "Digital skills",
            "Mental wellbeing", "Arts and creativity", "Volunteering", "Food and cooking", "Housing and home",
            "Carers support", "Employment and learning", "Nature and gardening"};
    static final String[] DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    static final String[] POSTCODES = {"S1 2HE", "S10 2TN", "S6 3AB", "S2 4QF", "S5 7DL", "S11 8YA", "N7 6PA", "N1 9GU",
            "N4 3LR", "N5 1RR", "N19 5PH", "EC1V 9HL"};
    static String base;
    static String auth;

    record Result(String kind, long requests, long errors, double seconds, long[] micros, long[] serverMicros) {
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        auth = "Basic " + Base64.getEncoder().encodeToString((args[1] + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
        int count = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int clients = Integer.parseInt(args[6]);

        // The API takes bodies up to 5 MiB: import in batches of 2,000 services, as an area's nightly sync would.
        long started = System.nanoTime();
        Random data = new Random(42);
        long bytes = 0;
        for (int done = 0; done < count; done += 2000) {
            String body = services(Math.min(2000, count - done), done, data);
            bytes += body.length();
            HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(base + "/api/directory/imports?kind=organization"))
                    .timeout(Duration.ofMinutes(10)).header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (imported.statusCode() != 202) {
                throw new IllegalStateException("import answered " + imported.statusCode() + ": " + imported.body());
            }
            awaitRun(http, base, auth, imported.headers().firstValue("Location").orElseThrow());
        }
        System.out.printf("imported %d services (%d MB of JSON) in %.1f s%n", count, bytes / 1_000_000,
                (System.nanoTime() - started) / 1e9);
        String total = get("/directory/services?per_page=1");
        System.out.println("directory now: " + total.replaceAll(".*\"total_items\":(\\d+).*", "$1") + " services");

        Random random = new Random(7);
        Supplier<String> text = () -> "/directory/services?search=" + enc(pick(random, WORDS) + (random.nextBoolean() ? " " + pick(random, WORDS) : ""));
        Supplier<String> near = () -> "/directory/services?search=" + enc(pick(random, WORDS)) + "&postcode=" + enc(pick(random, POSTCODES));
        Supplier<String> filters = () -> "/directory/services?day=" + pick(random, DAYS) + "&age=" + (18 + random.nextInt(60))
                + "&postcode=" + enc(pick(random, POSTCODES)) + "&proximity=3000";
        System.out.printf("warming up for %d s...%n", warmup);
        long warmEnd = System.nanoTime() + warmup * 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            run("warm-up", List.of(text, near, filters).get(random.nextInt(3)), 2, clients);
        }
        System.out.printf("%-28s %8s %8s %8s %8s %8s %8s   %s%n", "search (" + clients + " client" + (clients > 1 ? "s" : "") + ")",
                "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "in server (Server-Timing) p50/p95/p99 ms");
        for (var kind : List.of(new Object[] {"text", text}, new Object[] {"text near a postcode", near},
                new Object[] {"day+age+proximity", filters})) {
            @SuppressWarnings("unchecked")
            Result r = run((String) kind[0], (Supplier<String>) kind[1], seconds, clients);
            long[] m = r.micros();
            long[] sm = r.serverMicros();
            System.out.printf("%-28s %8.0f %8.2f %8.2f %8.2f %8.2f %8d   %.2f / %.2f / %.2f%n", r.kind(), r.requests() / r.seconds(),
                    pct(m, 50), pct(m, 95), pct(m, 99), m.length == 0 ? 0 : m[m.length - 1] / 1000.0, r.errors(),
                    pct(sm, 50), pct(sm, 95), pct(sm, 99));
        }
    }

    static Result run(String kind, Supplier<String> paths, int seconds, int clients) throws InterruptedException {
        ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> serverMicros = new ConcurrentLinkedQueue<>();
        long[] errors = new long[1];
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    String path;
                    synchronized (paths) {
                        path = paths.get();
                    }
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            synchronized (errors) {
                                errors[0]++;
                            }
                        }
                        response.headers().firstValue("Server-Timing").ifPresent(timing -> serverMicros.add(
                                (long) (Double.parseDouble(timing.replaceAll(".*dur=([0-9.]+).*", "$1")) * 1000)));
                    } catch (Exception e) {
                        synchronized (errors) {
                            errors[0]++;
                        }
                    }
                    micros.add((System.nanoTime() - t0) / 1000);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(kind, sorted.length, errors[0], (System.nanoTime() - started) / 1e9, sorted,
                serverMicros.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0;
    }

    static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static UUID id(Random random) {
        return new UUID(random.nextLong(), random.nextLong());
    }

    /** COUNT services (numbered from FIRST) in organisations of 10, spread over Sheffield and Islington, as one JSON list of organisations. */
    static String services(int count, int first, Random random) {
        StringBuilder json = new StringBuilder(count * 1500).append('[');
        Random fixed = new Random(1);
        String taxonomyId = id(fixed).toString();
        String[] termIds = new String[TERMS.length];
        for (int i = 0; i < TERMS.length; i++) {
            termIds[i] = id(fixed).toString();
        }
        for (int o = 0; o * 10 < count; o++) {
            if (o > 0) {
                json.append(',');
            }
            String orgId = id(random).toString();
            json.append("{\"id\":\"").append(orgId).append("\",\"name\":\"Bench Community Trust ").append(first / 10 + o)
                    .append("\",\"description\":\"An invented organisation for the benchmark\",\"services\":[");
            for (int s = 0; s < 10 && o * 10 + s < count; s++) {
                if (s > 0) {
                    json.append(',');
                }
                boolean sheffield = random.nextBoolean();
                double lat = sheffield ? 53.33 + random.nextDouble() * 0.12 : 51.52 + random.nextDouble() * 0.05;
                double lon = sheffield ? -1.56 + random.nextDouble() * 0.2 : -0.14 + random.nextDouble() * 0.05;
                String name = cap(pick(random, WORDS)) + " " + pick(random, WORDS) + " " + pick(random, WORDS) + " " + (first + o * 10 + s);
                StringBuilder description = new StringBuilder();
                for (int w = 0; w < 25; w++) {
                    description.append(pick(random, WORDS)).append(' ');
                }
                int term = random.nextInt(TERMS.length);
                int min = random.nextInt(4) == 0 ? 60 : random.nextInt(3) == 0 ? 16 : 18;
                json.append("{\"id\":\"").append(id(random)).append("\",\"name\":\"").append(name)
                        .append("\",\"description\":\"").append(description.toString().trim())
                        .append("\",\"status\":\"active\",\"minimum_age\":").append(min)
                        .append(",\"schedules\":[{\"id\":\"").append(id(random)).append("\",\"freq\":\"WEEKLY\",\"byday\":\"")
                        .append(DAYS[random.nextInt(7)]).append("\",\"opens_at\":\"").append(9 + random.nextInt(9))
                        .append(":00:00\",\"closes_at\":\"").append(12 + random.nextInt(9)).append(":00:00\"}]")
                        .append(",\"service_at_locations\":[{\"id\":\"").append(id(random)).append("\",\"location\":{\"id\":\"")
                        .append(id(random)).append("\",\"location_type\":\"physical\",\"name\":\"Venue ").append(first + o * 10 + s)
                        .append("\",\"latitude\":").append(lat).append(",\"longitude\":").append(lon).append("}}]")
                        .append(",\"attributes\":[{\"id\":\"").append(id(random)).append("\",\"taxonomy_term\":{\"id\":\"")
                        .append(termIds[term]).append("\",\"name\":\"").append(TERMS[term])
                        .append("\",\"description\":\"").append(TERMS[term]).append("\",\"taxonomy_id\":\"").append(taxonomyId)
                        .append("\"}}]}");
            }
            json.append("]}");
        }
        return json.append(']').toString();
    }

    static String cap(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** Imports are runs (202 and their address): waits for this one to be applied, as an admin's console does. */
    private static void awaitRun(HttpClient http, String base, String auth, String location) throws Exception {
        String path = URI.create(location).getPath();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            String run = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (run.contains("\"state\":\"applied\"")) {
                return;
            }
            if (run.contains("\"state\":\"failed\"")) {
                throw new IllegalStateException("import failed: " + run);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("import " + path + " did not end within 10 minutes");
    }
}
