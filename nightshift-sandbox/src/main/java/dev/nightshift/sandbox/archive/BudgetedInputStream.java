package dev.nightshift.sandbox.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the decompressed bytes the tar reader consumes and fails once it passes a budget the
 * extractor moves along entry by entry. It bounds what the tar library buffers in memory for
 * headers (PAX records, GNU long names), which the entry-level checks cannot see.
 */
final class BudgetedInputStream extends FilterInputStream {
    private long consumed;
    private long budget;

    BudgetedInputStream(InputStream in) {
        super(in);
    }

    /** Allows {@code more} bytes beyond those consumed so far. */
    void allow(long more) {
        budget = consumed + more;
    }

    long consumed() {
        return consumed;
    }

    @Override
    public int read() throws IOException {
        check(1);
        int b = super.read();
        if (b >= 0) {
            consumed++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int wanted = (int) Math.min(length, Math.max(1, budget - consumed));
        check(wanted);
        int n = super.read(buffer, offset, wanted);
        if (n > 0) {
            consumed += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        check(1);
        long skipped = super.skip(Math.min(n, Math.max(1, budget - consumed)));
        consumed += skipped;
        return skipped;
    }

    /** Nothing to say here would be exact, so claim nothing is buffered. */
    @Override
    public int available() {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(long wanted) throws BudgetExceeded {
        if (consumed + wanted > budget) {
            throw new BudgetExceeded();
        }
    }

    /** The archive's headers or padding are far larger than any archive we write. */
    static final class BudgetExceeded extends IOException {
        BudgetExceeded() {
            super("archive metadata exceeds its budget");
        }
    }
}
