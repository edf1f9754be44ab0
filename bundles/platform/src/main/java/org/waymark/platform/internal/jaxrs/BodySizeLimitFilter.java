package org.waymark.platform.internal.jaxrs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.ProcessingException;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import org.waymark.api.error.WaymarkException;

/**
 * Refuses bodies over the limit, whether announced by Content-Length or discovered while streaming, and bodies the
 * client does not finish sending (it stops mid-way, or announces chunks that never come): both are the caller's 4xx,
 * where the read's IOException used to surface as a 500 and an ERROR in the log.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class BodySizeLimitFilter implements ContainerRequestFilter {
    /** A BaRS message with attachments stays well below this. */
    static final long DEFAULT_LIMIT = 5L * 1024 * 1024;
    /**
     * A refused body up to this many times the limit is read to its end (and dropped) before the 413 goes out: a
     * connection closed with bytes still unread is reset, and a client still sending then loses the answer ("header
     * parser received no bytes", seen in PlatformIT and FhirReferralIT). Beyond that the connection is cut, answer or not.
     */
    static final int DRAIN_FACTOR = 4;
    private final long limit;

    BodySizeLimitFilter(long limit) {
        this.limit = limit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > limit) {
            if (request.getLength() <= DRAIN_FACTOR * limit) {
                drain(request.getEntityStream(), request.getLength());
            }
            throw tooLarge(limit);
        }
        boolean hasEntity;
        try {
            // Jersey looks at the first byte to tell, so this read can already fail.
            hasEntity = request.hasEntity();
        } catch (ProcessingException unreadable) {
            throw unfinished();
        }
        if (hasEntity) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream(), limit));
        }
    }

    /** Reads and drops up to {@code atMost} bytes; a client that stops sending meanwhile still gets its 413. */
    static void drain(InputStream body, long atMost) {
        byte[] buffer = new byte[8192];
        long left = atMost;
        try {
            while (left > 0) {
                int n = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException clientStopped) {
            // nothing more to drain
        }
    }

    static WaymarkException unfinished() {
        return WaymarkException.invalid("The request body could not be read to its end");
    }

    static WaymarkException tooLarge(long limit) {
        return new WaymarkException(WaymarkException.Kind.TOO_LARGE, "The request body is larger than " + (limit / 1024) + " KiB");
    }

    static final class LimitedInputStream extends FilterInputStream {
        private final long limit;
        private long read;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException clientStopped) {
                throw unfinished();
            }
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException clientStopped) {
                throw unfinished();
            }
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                drain(in, DRAIN_FACTOR * limit - read);
                throw tooLarge(limit);
            }
        }
    }
}
