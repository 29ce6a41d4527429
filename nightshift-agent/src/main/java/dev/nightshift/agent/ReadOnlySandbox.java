package dev.nightshift.agent;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxState;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a sandbox, for an explorer and for a plan-first session before its plan is
 * approved: every command runs with the workspace mounted read-only (the sandbox enforces it), and
 * nothing that changes state is offered at all.
 */
final class ReadOnlySandbox implements Sandbox {
    static final String EXPLORER = "this is a read-only explorer: it may look, not change";
    private final Sandbox delegate;
    private final String refused;

    ReadOnlySandbox(Sandbox delegate) {
        this(delegate, EXPLORER);
    }

    /** @param refused what a refused change says */
    ReadOnlySandbox(Sandbox delegate, String refused) {
        this.delegate = delegate;
        this.refused = refused;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String sessionId() {
        return delegate.sessionId();
    }

    @Override
    public SandboxState state() {
        return delegate.state();
    }

    @Override
    public ExecResult exec(ExecRequest request, java.io.InputStream input, OutputListener listener)
            throws InterruptedException {
        return delegate.exec(request.asReadOnly(), input, listener);
    }

    @Override
    public DetachedProcess startDetached(ExecRequest request) {
        throw new SandboxException(refused + " (no background processes)");
    }

    @Override
    public List<DetachedProcess> detached() {
        return delegate.detached();
    }

    @Override
    public String detachedOutput(String processId, int maxBytes) {
        return delegate.detachedOutput(processId, maxBytes);
    }

    @Override
    public void killAll() {
        throw new SandboxException(refused);
    }

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        return delegate.readFile(path, offset, maxBytes);
    }

    @Override
    public void writeFile(String path, byte[] content) throws IOException {
        throw new IOException(refused);
    }

    @Override
    public List<FileEntry> list(String directory) throws IOException {
        return delegate.list(directory);
    }

    @Override
    public Optional<FileEntry> stat(String path) throws IOException {
        return delegate.stat(path);
    }

    @Override
    public List<Integer> ports() {
        return delegate.ports();
    }

    @Override
    public PortConnection connect(int port) throws IOException {
        return delegate.connect(port);
    }

    @Override
    public boolean alive() {
        return delegate.alive();
    }

    @Override
    public void hibernate(OutputStream archive) {
        throw new SandboxException(refused);
    }

    @Override
    public void destroy() {
        throw new SandboxException(refused);
    }
}
