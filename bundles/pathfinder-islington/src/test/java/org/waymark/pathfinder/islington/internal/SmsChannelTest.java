package org.waymark.pathfinder.islington.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;

import com.sun.net.httpserver.HttpServer;

/** The SMS channel against a local gateway. */
class SmsChannelTest {
    private HttpServer gateway;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(201);

    @BeforeEach
    void start() throws Exception {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/sms", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
    }

    private SmsChannel channel() {
        return new SmsChannel("http://127.0.0.1:" + gateway.getAddress().getPort() + "/sms", "key-1");
    }

    private static Notification message(String text) {
        return new Notification("msg-7", Party.person("p1"), "islington", "reminder", "Reminder", text, Map.of());
    }

    private static ContactPreferences mobile(String number) {
        return new ContactPreferences(false, "sms", Map.of("sms", number));
    }

    @Test
    void sendsTheTextWithItsStableReference() throws Exception {
        channel().send(message("See you at \"Youth Hub\" on Tuesday"), mobile("07700 900123"));
        assertThat(received).singleElement().asString()
                .contains("\"to\":\"+447700900123\"", "\\\"Youth Hub\\\"", "\"reference\":\"msg-7\"");
        assertThat(authorizations).containsExactly("Bearer key-1");
    }

    @Test
    void reachesOnlyPeopleWithAMobileNumberAndOnlyWithAGateway() {
        assertThat(channel().canReach(message("x"), mobile("07700900123"))).isTrue();
        assertThat(channel().canReach(message("x"), mobile("0114 496 0000"))).as("a landline").isFalse();
        assertThat(new SmsChannel("", "").canReach(message("x"), mobile("07700900123"))).as("no gateway").isFalse();
    }

    @Test
    void aRefusedNumberIsPermanentAndAGatewayFailureIsRetried() {
        status.set(400);
        assertThatThrownBy(() -> channel().send(message("x"), mobile("07700900123")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isTrue());
        status.set(503);
        assertThatThrownBy(() -> channel().send(message("x"), mobile("07700900123")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse());
    }

    @Test
    void longTextsAreCutToThreeMessages() throws Exception {
        channel().send(message("a".repeat(1000)), mobile("07700900123"));
        assertThat(received.get(0)).contains("a".repeat(SmsChannel.MAX_TEXT - 1) + "\u2026").doesNotContain("a".repeat(SmsChannel.MAX_TEXT));
    }
}
