package dev.nightshift.core.sandbox;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/** A byte stream to a TCP port inside a sandbox, for the control plane's port proxy. */
public interface PortConnection extends Closeable {
    InputStream input();

    OutputStream output();

    @Override
    void close();
}
