package org.waymark.pathfinder.islington.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;

/**
 * Text messages through the area's SMS gateway: a JSON POST with the number, the text and the notification's stable
 * message id as the reference (gateways drop a repeated reference, so a retried delivery is not sent twice). A 4xx
 * answer (a number the gateway refuses) is permanent; anything else is retried by the core.
 */
@Component(property = "waymark.area=islington")
@Designate(ocd = SmsConfig.class)
public final class SmsChannel implements NotificationChannel {
    static final String CHANNEL = "sms";
    /** Longer messages cost several texts and read badly on a phone; the full text stays in the console. */
    static final int MAX_TEXT = 459;

    private final URI gateway;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Activate
    public SmsChannel(SmsConfig config) {
        this(setting(config.gatewayUrl(), "WAYMARK_ISLINGTON_SMS_URL"), setting(config.apiKey(), "WAYMARK_ISLINGTON_SMS_KEY"));
    }

    SmsChannel(String gatewayUrl, String apiKey) {
        this.gateway = gatewayUrl.isBlank() ? null : URI.create(gatewayUrl);
        this.apiKey = apiKey;
    }

    private static String setting(String configured, String environment) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String value = System.getenv(environment);
        return value == null ? "" : value;
    }

    @Override
    public String name() {
        return CHANNEL;
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        return gateway != null && notification.to().kind() == Party.Kind.PERSON && mobile(preferences.address(CHANNEL)) != null;
    }

    @Override
    public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
        String to = mobile(preferences.address(CHANNEL));
        if (to == null) {
            throw new DeliveryException("No usable mobile number", true);
        }
        String text = notification.text() == null ? "" : notification.text();
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT - 1) + "\u2026";
        }
        String body = "{\"to\":" + json(to) + ",\"text\":" + json(text) + ",\"reference\":" + json(notification.messageId()) + "}";
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (!apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException("The SMS gateway did not answer", false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("Interrupted while sending a text message", false, e);
        }
        if (response.statusCode() >= 400 && response.statusCode() < 500) {
            throw new DeliveryException("The SMS gateway refused the message (" + response.statusCode() + ")", true);
        }
        if (response.statusCode() >= 300) {
            throw new DeliveryException("The SMS gateway failed (" + response.statusCode() + ")", false);
        }
        return new Delivery("sms:" + notification.messageId());
    }

    /** A UK mobile number in international form (+447...), or null when the address is not one. */
    static String mobile(String address) {
        if (address == null) {
            return null;
        }
        String digits = address.replaceAll("[\\s()-]", "");
        if (digits.startsWith("07") && digits.length() == 11 && digits.chars().allMatch(Character::isDigit)) {
            return "+44" + digits.substring(1);
        }
        if (digits.matches("\\+447\\d{9}")) {
            return digits;
        }
        return null;
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
