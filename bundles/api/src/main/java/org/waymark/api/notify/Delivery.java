package org.waymark.api.notify;

/**
 * What a channel reports after handing a notification over.
 *
 * @param receipt the receiver's reference, if it gave one (an SMTP queue id, an HTTP status and id), for the record
 */
public record Delivery(String receipt) {
}
