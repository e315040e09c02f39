package io.pixelgrad.zoo.weights;

import java.io.InputStream;
import java.nio.ByteBuffer;

/** An InputStream over a ByteBuffer that reads no further than asked, so the buffer position says exactly where a pickle ended. */
final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer buf;
    private int mark = -1;

    /** Reads from {@code buf}'s position to its limit, advancing the buffer's own position. */
    ByteBufferInputStream(ByteBuffer buf) {
        this.buf = buf;
    }

    @Override
    public int read() {
        return buf.hasRemaining() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (!buf.hasRemaining()) {
            return -1;
        }
        int n = Math.min(len, buf.remaining());
        buf.get(b, off, n);
        return n;
    }

    @Override
    public int available() {
        return buf.remaining();
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
        mark = buf.position();
    }

    @Override
    public synchronized void reset() {
        if (mark >= 0) {
            buf.position(mark);
        }
    }
}
