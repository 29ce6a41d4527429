package dev.nightshift.git;

import dev.nightshift.core.sandbox.DetachedProcess;
import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.FileEntry;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.PortConnection;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sandbox that answers the control plane's "write a bundle" command with bytes of its own
 * choosing: how a test plays a sandbox whose git was replaced by something hostile.
 */
final class HostileSandbox implements Sandbox {
    private final Sandbox delegate;
    private final String bundleReply;

    HostileSandbox(Sandbox delegate, String bundleReply) {
        this.delegate = delegate;
        this.bundleReply = bundleReply;
    }

    @Override
    public ExecResult exec(ExecRequest request, InputStream input, OutputListener listener)
            throws InterruptedException {
        if (String.join(" ", request.argv()).contains("git bundle create")) {
            Map<String, String> env = new HashMap<>(request.env());
            env.put("REPLY", bundleReply);
            request = new ExecRequest(List.of("bash", "-c", "printf '%s' \"$REPLY\""), "", env, request.timeout());
        }
        return delegate.exec(request, input, listener);
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
    public DetachedProcess startDetached(ExecRequest request) throws InterruptedException {
        return delegate.startDetached(request);
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
        delegate.killAll();
    }

    @Override
    public byte[] readFile(String path, long offset, int maxBytes) throws IOException {
        return delegate.readFile(path, offset, maxBytes);
    }

    @Override
    public void writeFile(String path, byte[] content) throws IOException {
        delegate.writeFile(path, content);
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
    public void hibernate(OutputStream archive) throws IOException {
        delegate.hibernate(archive);
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }
}
