package org.waymark.itests;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Made-up data for tests that need fresh, valid values. */
final class TestData {
    /** Starts at a random place so that tests sharing one server never hand out the same number. */
    private static final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(100_000, 900_000));

    private TestData() {
    }

    /** A fresh NHS number in the 999 test range with a valid mod-11 check digit. */
    static String validNhsNumber() {
        while (true) {
            String nine = "999" + String.format("%06d", next.incrementAndGet() % 1_000_000);
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
}
