package dev.nightshift.github;

import java.util.Objects;

/**
 * A review comment on one line of a pull request's new version, as {@link ReviewComments#parse}
 * keeps it: {@code line} is a line the diff shows on its right side, so GitHub accepts it.
 *
 * @param path the file, relative to the repository's root
 * @param line the line in the file's new version, from 1
 * @param body the comment's markdown
 */
public record LineComment(String path, int line, String body) {
    public LineComment {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        if (line < 1) {
            throw new IllegalArgumentException("line must be 1 or more, was " + line);
        }
    }
}
