package org.waymark.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GP system's FHIR messaging endpoint: keeps every message it is sent by Bundle id (its deduplicating view is the
 * set of ids), can hold a request unanswered (to be caught by a crash) or refuse messages.
 */
final class FhirReceiver {
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> lastById = new ConcurrentHashMap<>();
    private final java.util.List<String> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Set<String>> correlationIds = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean refusing;
    private final Set<String> refusedIds = ConcurrentHashMap.newKeySet();
    private final Set<String> upgradesOffered = ConcurrentHashMap.newKeySet();
    private HttpServer http;

    void start() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/", exchange -> {
            try (exchange) {
                JsonNode body = WaymarkServer.objectMapper().readTree(exchange.getRequestBody());
                String id = body.path("id").asText();
                deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                arrivals.add(id);
                correlationIds.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
                        .add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Correlation-Id")));
                if (exchange.getRequestHeaders().containsKey("Upgrade")) {
                    upgradesOffered.add(id);
                }
                lastById.put(id, body);
                CountDownLatch waitFor = gate;
                if (waitFor.getCount() > 0) {
                    held.incrementAndGet();
                    waitFor.await(2, TimeUnit.MINUTES);
                }
                boolean refuse = refusing && exchange.getRequestURI().getPath().startsWith("/refusing");
                if (refuse) {
                    refusedIds.add(id);
                } else {
                    refusedIds.remove(id);
                }
                exchange.sendResponseHeaders(refuse ? 400 : 200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException sentToADeadClient) {
                // the sender died while we held its request: that is the point of holding it
            }
        });
        http.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    void hold() {
        gate = new CountDownLatch(1);
    }

    void release() {
        gate.countDown();
    }

    void refuse(boolean refuse) {
        refusing = refuse;
    }

    int held() {
        return held.get();
    }

    /** Every delivery of this message id, duplicates included. */
    int deliveries(String id) {
        AtomicInteger count = deliveries.get(id);
        return count == null ? 0 : count.get();
    }

    /** The receiver's deduplicated view of the messages about one referral: their distinct ids. */
    Set<String> idsAbout(String referralId) {
        Set<String> ids = new java.util.TreeSet<>();
        deliveries.keySet().stream().filter(id -> id.startsWith("referral-" + referralId)).forEach(ids::add);
        return ids;
    }

    /** The messages about one referral in the order they arrived, each at its first arrival. */
    java.util.List<String> firstArrivalsAbout(String referralId) {
        return arrivals.stream().filter(id -> id.startsWith("referral-" + referralId + "-")).distinct().toList();
    }

    /** The X-Correlation-Id headers every delivery of this message id came with. */
    Set<String> correlationIds(String id) {
        return correlationIds.getOrDefault(id, Set.of());
    }

    /** The message ids whose deliveries offered to switch protocols (an {@code Upgrade} header, e.g. h2c). */
    Set<String> upgradesOffered() {
        return Set.copyOf(upgradesOffered);
    }

    boolean refusedLast(String id) {
        return refusedIds.contains(id);
    }

    JsonNode last(String id) {
        return lastById.get(id);
    }

    void stop() {
        release();
        http.stop(0);
    }
}
