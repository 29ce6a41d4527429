package dev.nightshift.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Host-side path resolution and deletion for the unisolated process provider. */
final class ProcessFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessFiles.class);
    /** As the kernel's limit on links followed in one lookup (ELOOP). */
    static final int MAX_LINK_HOPS = 40;

    private ProcessFiles() {}

    /**
     * Where an absolute path really leads, as {@code realpath -m} says: every symbolic link is
     * followed, including dangling ones and those in the middle, and the components that do not
     * exist are kept as they are. The result contains no symbolic link, so checking it lexically
     * against a directory's (equally resolved) path tells whether it is inside.
     */
    static Path realPath(Path absolute) throws IOException {
        if (!absolute.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path: " + absolute);
        }
        Path current = absolute.getRoot();
        Deque<String> todo = new ArrayDeque<>();
        for (Path name : absolute) {
            todo.addLast(name.toString());
        }
        int hops = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                Path parent = current.getParent(); // current has no links: ".." is lexical here
                if (parent != null) {
                    current = parent;
                }
                continue;
            }
            Path next = current.resolve(name);
            if (Files.isSymbolicLink(next)) {
                if (++hops > MAX_LINK_HOPS) {
                    throw new IOException("too many levels of symbolic links");
                }
                Path target = Files.readSymbolicLink(next);
                List<String> names = new ArrayList<>();
                for (Path n : target) {
                    names.add(n.toString());
                }
                for (int i = names.size() - 1; i >= 0; i--) {
                    todo.addFirst(names.get(i));
                }
                if (target.isAbsolute()) {
                    current = target.getRoot();
                }
            } else {
                current = next;
            }
        }
        return current;
    }

    /**
     * Deletes a tree without ever following a symbolic link, making each directory writable and
     * searchable by its owner first: tools leave read-only trees behind (a Go module cache), and
     * the control plane runs as the same user, not as root. A symbolic link is removed, not its
     * target. Logs what could not be removed.
     */
    static void deleteTree(Path root) {
        Deque<Path> todo = new ArrayDeque<>();
        Deque<Path> directories = new ArrayDeque<>(); // parents before their children: pop children first
        todo.push(root);
        try {
            while (!todo.isEmpty()) {
                Path path = todo.pop();
                BasicFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (attrs.isDirectory()) {
                    makeOwnerRwx(path);
                    directories.push(path);
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                        children.forEach(todo::push);
                    }
                } else {
                    Files.deleteIfExists(path);
                }
            }
            while (!directories.isEmpty()) {
                Files.deleteIfExists(directories.pop());
            }
        } catch (IOException e) {
            LOG.warn("could not remove {} completely: {}", root, e.toString());
        }
    }

    private static void makeOwnerRwx(Path directory) {
        PosixFileAttributeView view =
                Files.getFileAttributeView(directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
            perms.addAll(view.readAttributes().permissions());
            if (perms.addAll(List.of(
                    PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE))) {
                view.setPermissions(perms);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot make {} writable", directory, e);
        }
    }
}
