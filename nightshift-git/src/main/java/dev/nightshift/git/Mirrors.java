package dev.nightshift.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's bare mirrors, one per repository under {@code <data>/git/mirrors}. A refresh
 * fetches branches and tags (not pull-request refs) with the caller's credentials; reading a
 * mirror (to copy it into a workspace) holds a read lock so a concurrent fetch never shows a ref
 * whose objects were not copied. Objects are never pruned from a mirror: sessions' work may
 * still refer to them.
 */
public final class Mirrors {
    private static final Logger LOG = LoggerFactory.getLogger(Mirrors.class);
    static final String[] REFSPECS = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};

    private final Path root;
    private final HostGit git;
    private final RemoteGuard guard;
    private final ConcurrentHashMap<String, ReadWriteLock> locks = new ConcurrentHashMap<>();

    /** @param guard what host git may connect to; it is asked before every fetch */
    public Mirrors(Path root, HostGit git, RemoteGuard guard) {
        this.root = root;
        this.git = git;
        this.guard = guard;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the mirror on first use, else fetches what changed; returns it ready to read. */
    public Mirror refresh(RepositoryUrl repository, GitAuth auth) {
        List<String> pinned = guard.check(repository);
        Path dir = dir(repository);
        ReadWriteLock lock = lock(repository);
        lock.writeLock().lock();
        try {
            if (!Files.isDirectory(dir.resolve("objects"))) {
                create(dir);
            }
            String head = remoteHead(repository, auth, pinned);
            git.run(
                    dir,
                    auth,
                    withOptions(
                            pinned,
                            "fetch",
                            "--quiet",
                            "--prune",
                            "--no-tags",
                            "--no-write-fetch-head",
                            repository.url(),
                            REFSPECS[0],
                            REFSPECS[1]));
            if (head != null) {
                git.run(dir, GitAuth.NONE, "symbolic-ref", "HEAD", "refs/heads/" + head);
            }
            return new Mirror(repository, dir, defaultBranch(dir).orElse(head));
        } catch (GitException e) {
            throw new GitException(describe("fetch", repository, auth, e.getMessage()), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The mirror as it is, without fetching: for the diff and push of a session whose mirror exists. */
    public Optional<Mirror> existing(RepositoryUrl repository) {
        Path dir = dir(repository);
        if (!Files.isDirectory(dir.resolve("objects"))) {
            return Optional.empty();
        }
        return Optional.of(new Mirror(repository, dir, defaultBranch(dir).orElse(null)));
    }

    /** Runs {@code reader} while no fetch can change the mirror. */
    public <T> T read(Mirror mirror, Supplier<T> reader) {
        ReadWriteLock lock = lock(mirror.repository());
        lock.readLock().lock();
        try {
            return reader.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    Path dir(RepositoryUrl repository) {
        return root.resolve(repository.mirrorKey() + ".git");
    }

    private ReadWriteLock lock(RepositoryUrl repository) {
        return locks.computeIfAbsent(repository.mirrorKey(), k -> new ReentrantReadWriteLock());
    }

    private void create(Path dir) {
        git.run(null, GitAuth.NONE, "init", "--quiet", "--bare", dir.toString());
        // the mirror's own config: nothing here ever runs (hooks are off), objects are never pruned
        git.run(dir, GitAuth.NONE, "config", "gc.auto", "0");
        git.run(dir, GitAuth.NONE, "config", "gc.pruneExpire", "never");
    }

    /** The branch the remote's HEAD points at, or null when it does not say (an empty repository). */
    private String remoteHead(RepositoryUrl repository, GitAuth auth, List<String> options) {
        String listing = git.run(null, auth, withOptions(options, "ls-remote", "--symref", repository.url(), "HEAD"));
        for (String line : listing.split("\n")) {
            if (line.startsWith("ref: refs/heads/") && line.endsWith("\tHEAD")) {
                return line.substring("ref: refs/heads/".length(), line.length() - "\tHEAD".length());
            }
        }
        return null;
    }

    private Optional<String> defaultBranch(Path dir) {
        HostGit.Result head = git.exec(
                dir,
                GitAuth.NONE,
                java.io.InputStream.nullInputStream(),
                null,
                HostGit.DEFAULT_TIMEOUT,
                "symbolic-ref",
                "--short",
                "HEAD");
        return head.ok() && !head.out().isEmpty() ? Optional.of(head.out()) : Optional.empty();
    }

    /** {@code options} (git's own {@code -c …}) before the command and its arguments. */
    static String[] withOptions(List<String> options, String... command) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }

    /**
     * An HTTP 401 or 403 in git's message; not the same digits inside a port number ("port 40135",
     * "127.0.0.1:40312"), which once made a closed port read as "wants credentials".
     */
    private static final java.util.regex.Pattern HTTP_DENIED =
            java.util.regex.Pattern.compile("(?<![\\d:])(?<!port )40[13](?!\\d)");

    /** Turns git's refusal of an {@code action} ("fetch", "push to") into what the user should do about it. */
    static String describe(String action, RepositoryUrl repository, GitAuth auth, String gitMessage) {
        String lower = gitMessage.toLowerCase(java.util.Locale.ROOT);
        boolean denied = lower.contains("authentication failed")
                || HTTP_DENIED.matcher(lower).find()
                || lower.contains("could not read username")
                || lower.contains("permission denied")
                || lower.contains("terminal prompts disabled");
        if (denied) {
            return "could not " + action + " " + repository + ": "
                    + (auth instanceof GitAuth.None
                            ? "the host wants credentials and none are stored"
                            : "the stored credential was refused")
                    + "; store a token for " + repository.host()
                    + " with PUT /api/me/credentials/" + repository.host() + " (" + gitMessage + ")";
        }
        if (!repository.local()) {
            // what git says about a network failure (refused, timed out, no route) tells open ports from closed ones
            LOG.debug("could not {} {}: {}", action, repository, gitMessage);
            return RemoteGuard.unreachable(repository).getMessage();
        }
        return "could not " + action + " " + repository + ": " + gitMessage;
    }
}
