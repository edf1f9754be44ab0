import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Referral intake over HTTP, as GP systems send it: plain ServiceRequests, BaRS message Bundles (the official
 * REFREQ07 example, ids and NHS number made unique per message) and transaction Bundles, each at several client
 * counts for a fixed time after a warm-up. Prints throughput, latency percentiles and errors, then checks that every
 * acknowledged referral is stored. Run by bench/intake.sh against a fresh server.
 *
 * Usage: java IntakeBench.java BASE_URL CLIENT_ID SECRET FIXTURES WARMUP_S SECONDS KINDS LEVELS
 */
public class IntakeBench {
    static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    static final AtomicLong numbers = new AtomicLong(1);
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static String base;
    static String token;
    static String barsTemplate;
    static String barsServiceRequestUuid;
    static String barsBirthDate;
    static String barsNhsNumber;
    static String barsBundleId;

    record Result(String kind, int clients, long requests, long errors, double seconds, long[] latenciesMicros,
                  double[] serverCpuSeconds, double benchCpuSeconds, long[] serverIo) {
    }

    /**
     * The server's process ids (bench/intake.sh passes Waymark's, and PostgreSQL's postmaster when the server runs on
     * one), comma-separated, to read their CPU time from /proc; absent elsewhere.
     */
    static final String SERVER_PID = System.getenv("WAYMARK_BENCH_SERVER_PID");

    public static void main(String[] args) throws Exception {
        base = args[0];
        token = token(args[1], args[2]);
        barsTemplate = Files.readString(Path.of(args[3], "nhs-bars/ig/Examples/REFREQ07 - Referral Service Request New Full - GP to OC.xml"));
        barsBundleId = find(barsTemplate, "<Bundle[^>]*>\\s*<id value=\"([^\"]+)\"");
        barsServiceRequestUuid = find(barsTemplate, "<fullUrl value=\"urn:uuid:([^\"]+)\" />\\s*<resource>\\s*<ServiceRequest>");
        barsNhsNumber = find(barsTemplate, "nhs-number\" />\\s*<value value=\"(\\d{10})\"");
        barsBirthDate = "<birthDate value=\"" + find(barsTemplate, "<birthDate value=\"([^\"]+)\"") + "\"";
        int warmup = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        List<String> kinds = List.of(args[6].split(","));
        List<Integer> levels = Arrays.stream(args[7].split(",")).map(Integer::parseInt).toList();

        long storedBefore = total();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        System.out.printf("warm-up: %d s, mixed kinds at 8 clients%n", warmup);
        for (String kind : kinds) {
            run(kind, 8, Math.max(1, warmup / kinds.size()), acknowledged);
        }
        List<Result> results = new ArrayList<>();
        for (String kind : kinds) {
            for (int clients : levels) {
                Result r = run(kind, clients, seconds, acknowledged);
                results.add(r);
                print(r);
            }
        }
        long storedAfter = total();
        long expected = acknowledged.size();
        System.out.printf("%nacknowledged referrals: %d; stored (ServiceRequest total) grew by %d: %s%n", expected,
                storedAfter - storedBefore, storedAfter - storedBefore == expected ? "every acknowledged referral is stored"
                        : "MISMATCH");
        // BaRS referrals are counted above; their identifier system carries the sender's endpoint, so the sample
        // looks up the plain and transaction referrals by identifier.
        List<String> sample = new ArrayList<>(acknowledged.stream().filter(i -> !i.startsWith("bars:")).toList());
        java.util.Collections.shuffle(sample);
        int missing = 0;
        for (String identifier : sample.subList(0, Math.min(200, sample.size()))) {
            HttpResponse<String> found = get("/fhir/ServiceRequest?identifier=" + URLEncoder.encode(identifier, StandardCharsets.UTF_8) + "&_count=1");
            if (!found.body().contains("\"total\":1")) {
                missing++;
            }
        }
        System.out.printf("sample of %d acknowledged referrals looked up by identifier: %d missing%n", Math.min(200, sample.size()), missing);
        if (storedAfter - storedBefore != expected || missing > 0) {
            System.exit(1);
        }
    }

    static Result run(String kind, int clients, int seconds, ConcurrentLinkedQueue<String> acknowledged) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long[] counts = new long[clients];
        double[] serverCpuBefore = serverCpuSeconds();
        long[] serverIoBefore = serverIo();
        double benchCpuBefore = benchCpuSeconds();
        long start = System.nanoTime();
        for (int t = 0; t < clients; t++) {
            long[] mine = new long[2_000_000];
            latencies.add(mine);
            int index = t;
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < deadline && n < mine.length) {
                    Request request = request(kind);
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request.http(), HttpResponse.BodyHandlers.ofString());
                        mine[n++] = (System.nanoTime() - sent) / 1000;
                        if (response.statusCode() / 100 == 2) {
                            acknowledged.add(request.identifier());
                        } else {
                            if (errors.incrementAndGet() <= 3) {
                                System.out.println("  error " + response.statusCode() + ": " + response.body().substring(0, Math.min(300, response.body().length())));
                            }
                        }
                    } catch (Exception e) {
                        mine[n++] = (System.nanoTime() - sent) / 1000;
                        errors.incrementAndGet();
                    }
                }
                counts[index] = n;
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double[] serverCpuAfter = serverCpuSeconds();
        double[] serverCpu = new double[serverCpuAfter.length];
        for (int i = 0; i < serverCpu.length; i++) {
            serverCpu[i] = serverCpuAfter[i] - serverCpuBefore[i];
        }
        double benchCpu = benchCpuSeconds() - benchCpuBefore;
        long[] serverIoAfter = serverIo();
        // Empty when either reading failed: no number rather than one made of half a measurement.
        long[] serverIo = new long[serverIoAfter.length == serverIoBefore.length ? serverIoAfter.length : 0];
        for (int i = 0; i < serverIo.length; i++) {
            serverIo[i] = serverIoAfter[i] - serverIoBefore[i];
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int t = 0; t < clients; t++) {
            System.arraycopy(latencies.get(t), 0, all, at, (int) counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Result(kind, clients, total, errors.get(), elapsed, all, serverCpu, benchCpu, serverIo);
    }

    /**
     * User and system time of the server processes and their children (Linux /proc), or NaN when it cannot be read.
     * PostgreSQL serves each connection from a child of its postmaster: their time counts, the living ones' own and
     * the ended ones' through the postmaster's children's time.
     */
    static double[] serverCpuSeconds() {
        if (SERVER_PID == null) {
            return new double[] {Double.NaN};
        }
        String[] pids = SERVER_PID.split(",");
        double[] seconds = new double[pids.length];
        for (int i = 0; i < pids.length; i++) {
            try {
                ProcessHandle root = ProcessHandle.of(Long.parseLong(pids[i].strip())).orElseThrow();
                long ticks = cpuTicks(root.pid(), true);
                for (ProcessHandle child : root.descendants().toList()) {
                    ticks += cpuTicks(child.pid(), false);
                }
                seconds[i] = ticks / 100.0; // clock ticks: USER_HZ is 100
            } catch (Exception e) {
                seconds[i] = Double.NaN;
            }
        }
        return seconds;
    }

    private static long cpuTicks(long pid, boolean withEndedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15,
            // the ended children's cutime and cstime 16 and 17.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return withEndedChildren ? own + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : own;
        } catch (java.io.IOException | RuntimeException gone) {
            return 0; // a child that ended between listing and reading: its time is in its parent's children's time
        }
    }

    /**
     * What the Waymark process read and wrote through system calls (Linux /proc/PID/io: rchar, wchar, syscr, syscw),
     * or an empty array when it cannot be read. Files and sockets both count, so a request's own body and answer are
     * in it; beyond those, what an embedded Derby reads is its page cache's misses (whole pages, served by the
     * operating system's cache, so they cost CPU rather than disk time) and what it writes is its log and the pages
     * it evicts or checkpoints.
     */
    static long[] serverIo() {
        if (SERVER_PID == null) {
            return new long[0];
        }
        try {
            Map<String, Long> io = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", SERVER_PID.split(",")[0].strip(), "io"))) {
                String[] parts = line.split(":\\s*");
                io.put(parts[0], Long.parseLong(parts[1].strip()));
            }
            return new long[] {io.get("rchar"), io.get("wchar"), io.get("syscr"), io.get("syscw")};
        } catch (java.io.IOException | RuntimeException unreadable) {
            return new long[0];
        }
    }

    static double benchCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    static void print(Result r) {
        System.out.printf("%-15s %2d clients: %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %d  (%d requests in %.1f s)%n",
                r.kind(), r.clients(), r.requests() / r.seconds(), pct(r, 50), pct(r, 95), pct(r, 99), r.errors(),
                r.requests(), r.seconds());
        double serverCpu = Arrays.stream(r.serverCpuSeconds()).sum();
        if (!Double.isNaN(serverCpu) && r.requests() > 0) {
            // With PostgreSQL, the share of each: Waymark's own, then the database server's.
            String parts = r.serverCpuSeconds().length < 2 ? "" : String.format(" (Waymark %.2f ms, database %.2f ms)",
                    r.serverCpuSeconds()[0] * 1000 / r.requests(), r.serverCpuSeconds()[1] * 1000 / r.requests());
            System.out.printf("%-15s             server CPU %.2f ms a request%s (%.2f cores busy); load generator %.2f cores%n", "",
                    serverCpu * 1000 / r.requests(), parts, serverCpu / r.seconds(), r.benchCpuSeconds() / r.seconds());
        }
        if (r.serverIo().length == 4 && r.requests() > 0) {
            long[] io = r.serverIo();
            System.out.printf("%-15s             Waymark read %.1f KB in %.1f calls and wrote %.1f KB in %.1f calls a request%n", "",
                    io[0] / 1024.0 / r.requests(), (double) io[2] / r.requests(), io[1] / 1024.0 / r.requests(),
                    (double) io[3] / r.requests());
        }
    }

    static double pct(Result r, int p) {
        long[] l = r.latenciesMicros();
        return l.length == 0 ? 0 : l[Math.min(l.length - 1, (int) Math.ceil(p / 100.0 * l.length) - 1)] / 1000.0;
    }

    record Request(HttpRequest http, String identifier) {
    }

    static Request request(String kind) {
        long n = numbers.getAndIncrement();
        String nhs = nhsNumber(n);
        String id = "BENCH-" + UUID.randomUUID();
        return switch (kind) {
            case "servicerequest" -> new Request(post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest(id, nhs, false)),
                    "https://bench.example/referrals|" + id);
            case "transaction" -> new Request(post("/fhir", "application/fhir+json", transaction(id, nhs)),
                    "https://bench.example/referrals|" + id);
            case "bars" -> {
                String uuid = UUID.randomUUID().toString();
                String body = barsTemplate.replace(barsServiceRequestUuid, uuid).replace(barsNhsNumber, nhs)
                        .replace(barsBirthDate, "<birthDate value=\"" + birthDate(nhs) + "\"")
                        .replaceFirst(Pattern.quote(barsBundleId), UUID.randomUUID().toString());
                // BaRS referrals are identified by the ServiceRequest's fullUrl within the sender's endpoint.
                yield new Request(post("/fhir/$process-message", "application/fhir+xml", body), "bars:" + uuid);
            }
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    static String serviceRequest(String id, String nhs, boolean forTransaction) {
        String subject = forTransaction ? "\"subject\":{\"reference\":\"urn:uuid:PATIENT\"}"
                : "\"contained\":[" + patient(nhs, "p1") + "],\"subject\":{\"reference\":\"#p1\"}";
        return "{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\",\"priority\":\"routine\","
                + "\"identifier\":[{\"system\":\"https://bench.example/referrals\",\"value\":\"" + id + "\"}]," + subject + ","
                + "\"reasonCode\":[{\"text\":\"Lonely since moving; would like to meet people\"}],"
                + "\"authoredOn\":\"2026-11-20T10:00:00Z\",\"requester\":{\"display\":\"Dr A Smith\"}}";
    }

    static String patient(String nhs, String localId) {
        return "{\"resourceType\":\"Patient\"" + (localId == null ? "" : ",\"id\":\"" + localId + "\"")
                + ",\"identifier\":[{\"system\":\"" + NHS + "\",\"value\":\"" + nhs + "\"}],"
                + "\"name\":[{\"family\":\"Bench\",\"given\":[\"Jo\"]}],\"birthDate\":\"" + birthDate(nhs) + "\",\"gender\":\"female\","
                + "\"address\":[{\"postalCode\":\"S1 2AB\"}]}";
    }

    /**
     * Spread over 68 years as people's are: the linkage looks for people known without a number by birth date, and a
     * benchmark whose every person shared one date would measure a lookup over all of them that no area ever has.
     */
    static String birthDate(String nhs) {
        return java.time.LocalDate.of(1930, 1, 1).plusDays(Long.parseLong(nhs.substring(3, 9)) % 25_000).toString();
    }

    static String transaction(String id, String nhs) {
        String patientUuid = UUID.randomUUID().toString();
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:" + patientUuid + "\",\"resource\":" + patient(nhs, null)
                + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=" + NHS + "|" + nhs + "\"}},"
                + "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":" + serviceRequest(id, nhs, true).replace("PATIENT", patientUuid)
                + ",\"request\":{\"method\":\"POST\",\"url\":\"ServiceRequest\"}}]}";
    }

    /** 999 test-range numbers with a valid mod-11 check digit, unique per request. */
    static String nhsNumber(long n) {
        for (long k = n * 11; ; k++) {
            String nine = "999" + String.format("%06d", k % 1_000_000);
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (nine.charAt(i) - '0') * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 11) {
                check = 0;
            }
            if (check != 10) {
                return nine + check;
            }
        }
    }

    static HttpRequest post(String path, String type, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", type).header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
    }

    static long total() throws Exception {
        String body = get("/fhir/ServiceRequest?_count=0").body();
        return Long.parseLong(find(body, "\"total\"\\s*:\\s*(\\d+)"));
    }

    static String token(String client, String secret) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + client + "&client_secret=" + secret))
                .build(), HttpResponse.BodyHandlers.ofString());
        return find(response.body(), "\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("not found: " + regex);
        }
        return m.group(1);
    }
}
