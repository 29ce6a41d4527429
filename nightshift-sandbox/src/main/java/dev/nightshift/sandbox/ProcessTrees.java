package dev.nightshift.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, kills and inspects everything a command of the unisolated process provider started,
 * without namespaces or cgroups: a command's process, its descendants and, on Linux, every process
 * of the sessions they lead (each command starts with {@code setsid}, so a double-forked daemon
 * stays findable after its parent is gone). The control plane itself, its ancestors and their
 * sessions are never touched.
 */
final class ProcessTrees {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTrees.class);
    private static final Path PROC = Path.of("/proc");
    /** Linux: process table, sessions and sockets can be read from /proc. */
    static final boolean HAS_PROC = Files.isReadable(PROC.resolve("self/stat"));
    /** setsid(1) where the host has it (not on macOS): every command then leads a session of its own. */
    static final String SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid");
    /** lsof(8), for listening ports where there is no /proc (macOS). */
    static final String LSOF = firstExecutable("/usr/sbin/lsof", "/usr/bin/lsof", "/sbin/lsof");

    private static final int KILL_ROUNDS = 20;
    private static final Duration ROUND_WAIT = Duration.ofMillis(100);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(3);
    private static final Duration LSOF_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");
    private static final String LISTEN = "0A";

    private ProcessTrees() {}

    private static String firstExecutable(String... candidates) {
        return Stream.of(candidates)
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse(null);
    }

    /** A line of /proc/[pid]/stat: the fields that matter here. */
    record Stat(long pid, char state, long ppid, long session) {
        boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    static Optional<Stat> stat(long pid) {
        if (!HAS_PROC) {
            return Optional.empty();
        }
        try {
            String line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[3])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not ours to read
        }
    }

    private static Map<Long, Stat> table() {
        Map<Long, Stat> table = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    stat(Long.parseLong(name)).ifPresent(s -> table.put(s.pid(), s));
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list /proc", e);
        }
        return table;
    }

    /** This JVM, its ancestors, and init: never killed, and their sessions never swept. */
    private record Spared(Set<Long> pids, Set<Long> sessions) {}

    private static Spared spared() {
        Set<Long> pids = new HashSet<>(List.of(0L, 1L));
        Set<Long> sessions = new HashSet<>(List.of(0L, 1L));
        Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        while (p.isPresent()) {
            long pid = p.get().pid();
            pids.add(pid);
            stat(pid).ifPresent(s -> sessions.add(s.session()));
            p = p.get().parent();
        }
        return new Spared(pids, sessions);
    }

    /** Alive and not a zombie. */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        return !HAS_PROC || stat(handle.pid()).map(s -> !s.zombie()).orElse(false);
    }

    /**
     * The live processes of the given trees: each leader, its descendants and, on Linux, every
     * process in a session one of them is in (transitively, with their descendants).
     *
     * @param leadSessions the leaders were started with setsid, so a leader's pid names its
     *     session even after the leader is gone (unless the pid now belongs to another process)
     * @param followSessions add the sessions of the processes found; safe only for processes this
     *     JVM started (their sessions are this JVM's own, which is spared, or ones they made)
     */
    static List<ProcessHandle> members(
            Collection<ProcessHandle> leaders, boolean leadSessions, boolean followSessions) {
        Spared spared = spared();
        Map<Long, ProcessHandle> found = new LinkedHashMap<>();
        Set<Long> sessions = new HashSet<>();
        for (ProcessHandle leader : leaders) {
            add(found, leader, spared);
            leader.descendants().forEach(h -> add(found, h, spared));
            if (leadSessions) {
                Optional<ProcessHandle> now = ProcessHandle.of(leader.pid());
                if (now.isEmpty() || now.get().equals(leader)) { // equals compares the start time too
                    sessions.add(leader.pid());
                }
            }
        }
        if (!HAS_PROC) {
            return List.copyOf(found.values());
        }
        Map<Long, Stat> table = table();
        if (leadSessions || followSessions) {
            Set<Long> seen = new HashSet<>(found.keySet());
            boolean grew = true;
            while (grew) {
                grew = false;
                if (followSessions) {
                    for (Long pid : List.copyOf(found.keySet())) {
                        Stat s = table.get(pid);
                        if (s != null) {
                            sessions.add(s.session());
                        }
                    }
                }
                sessions.removeAll(spared.sessions());
                for (Stat s : table.values()) {
                    if (sessions.contains(s.session()) && seen.add(s.pid())) {
                        grew = true;
                        ProcessHandle.of(s.pid()).ifPresent(h -> {
                            add(found, h, spared);
                            h.descendants().forEach(d -> add(found, d, spared));
                        });
                    }
                }
            }
        }
        return found.values().stream()
                .filter(h -> {
                    Stat s = table.get(h.pid());
                    return s == null || !s.zombie();
                })
                .toList();
    }

    private static void add(Map<Long, ProcessHandle> found, ProcessHandle handle, Spared spared) {
        if (!spared.pids().contains(handle.pid()) && handle.isAlive()) {
            found.putIfAbsent(handle.pid(), handle);
        }
    }

    /**
     * Kills the given trees with SIGKILL, round after round until nothing of them is left (a
     * shell may fork while it dies), then waits a moment for them to be gone.
     */
    static void kill(Collection<ProcessHandle> leaders, boolean leadSessions, boolean followSessions) {
        List<ProcessHandle> victims = new ArrayList<>();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            List<ProcessHandle> alive = members(leaders, leadSessions, followSessions);
            if (alive.isEmpty()) {
                break;
            }
            alive.forEach(ProcessHandle::destroyForcibly);
            victims.addAll(alive);
            awaitExit(alive, ROUND_WAIT);
        }
        awaitExit(victims, EXIT_WAIT);
    }

    private static void awaitExit(Collection<ProcessHandle> handles, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        List<ProcessHandle> left = new ArrayList<>(handles);
        while (true) {
            left.removeIf(h -> !running(h));
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Processes left by a control plane that crashed: their working directory is under
     * {@code dir}, or their HOME is {@code home}. Linux only (elsewhere: none found).
     */
    static List<ProcessHandle> leftIn(Path dir, Path home) {
        if (!HAS_PROC) {
            return List.of();
        }
        Set<Path> dirs = new HashSet<>(List.of(dir));
        try {
            dirs.add(dir.toRealPath());
        } catch (IOException ignored) {
            // the lexical path is all there is
        }
        Set<String> homes = new HashSet<>(List.of("HOME=" + home));
        dirs.forEach(d -> homes.add("HOME=" + d.resolve(home.getFileName())));
        Spared spared = spared();
        List<ProcessHandle> left = new ArrayList<>();
        for (Stat s : table().values()) {
            if (spared.pids().contains(s.pid()) || s.zombie()) {
                continue;
            }
            Path proc = PROC.resolve(Long.toString(s.pid()));
            boolean match = false;
            try {
                Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
                match = dirs.stream().anyMatch(cwd::startsWith);
            } catch (IOException | RuntimeException ignored) {
                // not ours to read
            }
            if (!match) {
                try {
                    for (String var : new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8)
                            .split("\0")) {
                        if (homes.contains(var)) {
                            match = true;
                            break;
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // not ours to read
                }
            }
            if (match) {
                ProcessHandle.of(s.pid()).ifPresent(left::add);
            }
        }
        return left;
    }

    // -- ports --------------------------------------------------------------------------------

    /**
     * TCP ports the given processes listen on: on Linux the LISTEN sockets of /proc/net/tcp{,6}
     * whose inode one of them holds open; elsewhere what lsof says, or nothing.
     */
    static List<Integer> listeningPorts(Collection<ProcessHandle> processes, boolean useProc) {
        if (processes.isEmpty()) {
            return List.of();
        }
        if (useProc && HAS_PROC && Files.isReadable(PROC.resolve("self/net/tcp"))) {
            return procPorts(processes);
        }
        if (LSOF != null) {
            return lsofPorts(processes);
        }
        return List.of();
    }

    private static List<Integer> procPorts(Collection<ProcessHandle> processes) {
        Set<String> inodes = new HashSet<>();
        for (ProcessHandle process : processes) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(
                    PROC.resolve(Long.toString(process.pid())).resolve("fd"))) {
                for (Path fd : fds) {
                    try {
                        Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                        if (m.matches()) {
                            inodes.add(m.group(1));
                        }
                    } catch (IOException ignored) {
                        // closed meanwhile
                    }
                }
            } catch (IOException ignored) {
                // gone meanwhile
            }
        }
        TreeSet<Integer> ports = new TreeSet<>();
        if (inodes.isEmpty()) {
            return List.of();
        }
        for (String table : List.of("tcp", "tcp6")) {
            Path file = PROC.resolve("self/net").resolve(table);
            try {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length > 9 && cols[3].equals(LISTEN) && inodes.contains(cols[9])) {
                        ports.add(Integer.parseInt(cols[1].substring(cols[1].lastIndexOf(':') + 1), 16));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("reading {} failed", file, e);
            }
        }
        return List.copyOf(ports);
    }

    private static List<Integer> lsofPorts(Collection<ProcessHandle> processes) {
        String pids = processes.stream().map(h -> Long.toString(h.pid())).collect(Collectors.joining(","));
        try {
            Process lsof = new ProcessBuilder(LSOF, "-nP", "-a", "-iTCP", "-sTCP:LISTEN", "-p", pids, "-Fn")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            lsof.getOutputStream().close();
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = lsof.getInputStream()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.append(text);
                    }
                } catch (IOException ignored) {
                    // killed below
                }
            });
            if (!lsof.waitFor(LSOF_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                lsof.destroyForcibly();
            }
            reader.join(1000);
            TreeSet<Integer> ports = new TreeSet<>();
            String text;
            synchronized (out) {
                text = out.toString();
            }
            for (String line : text.split("\n")) {
                // "n127.0.0.1:8000", "n*:8000", "n[::1]:8000"
                if (line.startsWith("n") && line.lastIndexOf(':') > 0) {
                    try {
                        ports.add(Integer.parseInt(
                                line.substring(line.lastIndexOf(':') + 1).trim()));
                    } catch (NumberFormatException ignored) {
                        // not an address line
                    }
                }
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            LOG.debug("lsof failed", e);
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
