package org.waymark.api.referral;

import java.util.List;

/** One page of a search: the items, how many match in all, and where the page starts. */
public record Page<T>(List<T> items, int total, int offset, int count) {
    public Page {
        items = List.copyOf(items);
    }

    public boolean hasNext() {
        return offset + items.size() < total;
    }
}
