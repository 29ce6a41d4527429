package dev.nightshift.server.http;

/** What clients send. Unknown fields are refused, so a typo is a 400, not a silent default. */
public final class Requests {
    private Requests() {}

    public record CreateSession(
            String repository,
            String baseBranch,
            String workBranch,
            String model,
            String title,
            SettingsPatch settings) {}

    /**
     * @param network {@code none}, {@code allowlist} or {@code repository} (the default)
     * @param secrets the names of the secrets the session's sandbox gets; left out: every one that applies
     */
    public record SettingsPatch(
            Boolean autoCommit,
            Boolean autoPr,
            Boolean draftPr,
            String network,
            java.util.List<String> secrets,
            Boolean readOnly,
            Boolean planFirst) {
        public SettingsPatch(
                Boolean autoCommit, Boolean autoPr, Boolean draftPr, String network, java.util.List<String> secrets) {
            this(autoCommit, autoPr, draftPr, network, secrets, null, null);
        }

        public SettingsPatch(
                Boolean autoCommit,
                Boolean autoPr,
                Boolean draftPr,
                String network,
                java.util.List<String> secrets,
                Boolean readOnly) {
            this(autoCommit, autoPr, draftPr, network, secrets, readOnly, null);
        }
    }

    public record Prompt(String content, String clientRequestId, String model) {}

    /** @param answers one per question, in order; for a plan, the one change asked for */
    public record Answer(java.util.List<String> answers) {}

    /**
     * @param planId the plan approved; left out: the one waiting
     * @param plan the plan as approved, when the member edited it; left out: as proposed
     */
    public record ApprovePlan(String planId, String plan) {}

    /** @param expiresInDays null: never expires */
    public record CreateToken(String name, java.util.List<String> scopes, Integer expiresInDays) {}

    /** An administrator's change to a user; null fields stay as they are. */
    public record UpdateUser(Boolean admin, Boolean active) {}

    /** An administrator links an account to a user by the provider's immutable subject. */
    public record LinkIdentity(String kind, String issuer, String subject, String login) {}

    /** Starts linking a further account to yourself by signing in to it: {@code github} or {@code oidc:<name>}. */
    public record StartLink(String provider) {}

    public record CreateUser(String login, String name, String email, Boolean admin) {}

    public record SetRole(String role) {}

    public record CreateShareLink(String name) {}
}
