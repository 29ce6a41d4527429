package dev.nightshift.git;

/** A name and email as git records them in a commit (author, committer, co-author trailer). */
public record CommitIdentity(String name, String email) {
    public CommitIdentity {
        if (name == null || name.isBlank() || email == null || email.isBlank()) {
            throw new IllegalArgumentException("a commit identity needs a name and an email");
        }
        if ((name + email).chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
            throw new IllegalArgumentException("a commit identity cannot contain '<', '>' or control characters");
        }
    }

    /** The {@code Co-Authored-By} trailer that credits this identity. */
    public String trailer() {
        return "Co-Authored-By: " + name + " <" + email + ">";
    }
}
