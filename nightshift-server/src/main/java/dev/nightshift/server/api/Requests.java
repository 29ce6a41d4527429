package dev.nightshift.server.api;

/** What clients send. Unknown fields are refused, so a typo is a 400, not a silent default. */
public final class Requests {
    private Requests() {}

    public record CreateSession(String repository, String baseBranch, String workBranch, String model, String title,
            SettingsPatch settings) {}

    public record SettingsPatch(Boolean autoCommit, Boolean autoPr, Boolean draftPr) {}

    public record Prompt(String content, String clientRequestId, String model) {}

    public record CreateToken(String name) {}

    public record CreateUser(String login, String name, String email, Boolean admin) {}

    public record SetRole(String role) {}

    public record CreateShareLink(String name) {}
}
