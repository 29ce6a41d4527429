package dev.nightshift.sandbox.archive;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The naming rules both sides of a snapshot share: which entry names and symlink targets stay
 * inside the directory an archive is extracted into. The writer leaves out what the extractor
 * would refuse, so a snapshot we wrote can always be restored.
 */
final class EntryNames {
    private EntryNames() {}

    /**
     * Where an entry lands under {@code target}, or a refusal. Any {@code ..} segment is refused
     * outright rather than normalised away: a legitimate archive never needs one.
     */
    static Path resolve(Path target, String name) {
        if (name.isEmpty()) {
            throw SnapshotArchive.refused("an entry has an empty name");
        }
        if (name.indexOf('\0') >= 0) {
            throw SnapshotArchive.refused("entry " + quoted(name) + " has a NUL character in its name");
        }
        if (name.startsWith("/")) {
            throw SnapshotArchive.refused("entry " + quoted(name) + " has an absolute name");
        }
        Path path = target;
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw SnapshotArchive.refused("entry " + quoted(name) + " contains '..'");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                path = path.resolve(segment);
            }
        }
        if (!path.normalize().startsWith(target)) {
            throw SnapshotArchive.refused("entry " + quoted(name) + " resolves outside the target directory");
        }
        return path;
    }

    /**
     * Why a symlink at {@code linkPath} (under {@code target}) pointing to {@code linkText} could
     * lead outside {@code target}, or empty when it cannot.
     *
     * <p>Lexical normalisation alone is not enough: with {@code s -> ..} in place, {@code s/../..}
     * looks harmless but the kernel climbs from wherever {@code s} points. So {@code ..} may only
     * lead the link text, where it climbs through the real directories above the link (the
     * extractor never creates anything inside a symlinked directory), and may not climb above
     * {@code target}. Every name after that descends, and each link it meets obeys the same rule.
     */
    static Optional<String> linkRefusal(Path target, Path linkPath, String linkText) {
        String what = "symlink " + quoted(target.relativize(linkPath).toString()) + " -> " + quoted(linkText);
        if (linkText.isEmpty() || linkText.indexOf('\0') >= 0) {
            return Optional.of(what + " has an empty or invalid target");
        }
        if (linkText.startsWith("/")) {
            return Optional.of(what + " has an absolute target");
        }
        int depthAvailable = target.relativize(linkPath).getNameCount() - 1;
        int climbed = 0;
        boolean descended = false;
        for (String segment : linkText.split("/")) {
            if (segment.equals("..")) {
                if (descended) {
                    return Optional.of(what + " has '..' after a name, which could lead outside through another link");
                }
                if (++climbed > depthAvailable) {
                    return Optional.of(what + " points outside the archive");
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                descended = true;
            }
        }
        return Optional.empty();
    }

    static String quoted(String name) {
        String shown = name.length() > 200 ? name.substring(0, 200) + "…" : name;
        return '"' + shown.replace("\0", "\\0") + '"';
    }
}
