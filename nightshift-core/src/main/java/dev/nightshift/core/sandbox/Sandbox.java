package dev.nightshift.core.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A plain execution environment: files, processes, ports. The agent runs in the control plane and
 * touches a sandbox only through this interface, so a sandbox can hibernate, die or move to another
 * provider without the conversation noticing.
 *
 * <p>Every path is relative to the workspace; the host-side file operations never follow a
 * symbolic link out of it, and {@code ..} cannot escape it. Implementations are thread-safe: a
 * command may run while files are read and another thread stops everything.
 */
public interface Sandbox {
    String id();

    String sessionId();

    SandboxState state();

    /**
     * Runs a command to its end, streaming its output. Interrupting the calling thread kills the
     * command and everything it started.
     */
    default ExecResult exec(ExecRequest request, OutputListener listener) throws InterruptedException {
        return exec(request, InputStream.nullInputStream(), listener);
    }

    /**
     * Runs a command to its end with {@code input} streamed to its standard input, for bulk data
     * the control plane hands in (a repository's objects) without holding it in memory or
     * writing it to the host first. What the input yields reaches the command as it is read, not
     * when a buffer fills, so the control plane can also talk to a process (a line in, its answer
     * out through the listener), as it does with an MCP server the repository declares. The input
     * is closed when it ends or the command does.
     */
    ExecResult exec(ExecRequest request, InputStream input, OutputListener listener) throws InterruptedException;

    /**
     * Starts a background process that keeps running after this call. Waits briefly so that a
     * process that dies at once (a port in use, a typo) is reported as such.
     */
    DetachedProcess startDetached(ExecRequest request) throws InterruptedException;

    List<DetachedProcess> detached();

    /** The newest output of a background process, at most {@code maxBytes}. */
    String detachedOutput(String processId, int maxBytes);

    /** Kills every process in the sandbox (the stop button); the sandbox stays usable. */
    void killAll();

    byte[] readFile(String path, long offset, int maxBytes) throws IOException;

    /** Writes a file, creating parent directories. */
    void writeFile(String path, byte[] content) throws IOException;

    List<FileEntry> list(String directory) throws IOException;

    Optional<FileEntry> stat(String path) throws IOException;

    /** TCP ports something listens on inside the sandbox. */
    List<Integer> ports();

    /** Opens a connection to a port inside the sandbox, for the control plane's port proxy. */
    PortConnection connect(int port) throws IOException;

    /** True while the sandbox's processes are alive and answering. */
    boolean alive();

    /**
     * Stops every process and writes the workspace and home to {@code archive} (tar + zstd).
     * A snapshot is a stop: the sandbox is {@code hibernated} afterwards and its files are gone
     * from the host until a provider restores the archive.
     */
    void hibernate(OutputStream archive) throws IOException;

    /** Stops everything and removes the sandbox's files. Idempotent. */
    void destroy();
}
