package dev.nightshift.core.model;

import java.util.List;

/**
 * What the server does after a turn finishes naturally, and what the session's sandbox may reach.
 *
 * @param autoCommit commit changed files as the prompting user
 * @param autoPr open (or update) a pull request after a pushed turn
 * @param draftPr open pull requests as drafts
 * @param network how far the sandbox's network reaches (see {@link Network})
 * @param secrets the names of the secrets the sandbox gets, of those that apply to it; null: all of them
 * @param readOnly the agent may look but not change anything: only read-only tools, on a read-only view
 *     of the workspace (an automatic review); nothing is committed or pushed
 * @param planFirst the agent's first step is a plan: until a member approves it, the tool layer refuses
 *     every tool that changes anything (writing tools, commands outside a read-only view of the workspace,
 *     executor subagents)
 */
public record SessionSettings(
        boolean autoCommit,
        boolean autoPr,
        boolean draftPr,
        Network network,
        List<String> secrets,
        boolean readOnly,
        boolean planFirst) {
    public static final SessionSettings DEFAULTS =
            new SessionSettings(true, true, false, Network.REPOSITORY, null, false, false);

    public SessionSettings {
        network = network == null ? Network.REPOSITORY : network;
        secrets = secrets == null ? null : List.copyOf(secrets);
    }

    public SessionSettings(boolean autoCommit, boolean autoPr, boolean draftPr) {
        this(autoCommit, autoPr, draftPr, Network.REPOSITORY, null, false, false);
    }

    public SessionSettings(boolean autoCommit, boolean autoPr, boolean draftPr, Network network, List<String> secrets) {
        this(autoCommit, autoPr, draftPr, network, secrets, false, false);
    }

    public SessionSettings(
            boolean autoCommit,
            boolean autoPr,
            boolean draftPr,
            Network network,
            List<String> secrets,
            boolean readOnly) {
        this(autoCommit, autoPr, draftPr, network, secrets, readOnly, false);
    }

    /** Read-only: the agent looks and reports; nothing is committed, pushed or opened. */
    public static final SessionSettings READ_ONLY =
            new SessionSettings(false, false, false, Network.REPOSITORY, null, true, false);

    /** These settings with {@code planFirst} set as given. */
    public SessionSettings withPlanFirst(boolean value) {
        return new SessionSettings(autoCommit, autoPr, draftPr, network, secrets, readOnly, value);
    }

    /** Whether the session's sandbox gets the secret of this name (when it applies to the session at all). */
    public boolean gets(String secretName) {
        return secrets == null || secrets.contains(secretName);
    }

    /** How far a session's sandbox may reach through the egress proxy; a session can only narrow the deployment's. */
    public enum Network {
        /** No egress at all: every connection is refused. */
        NONE,
        /** The deployment's allowlist, its internal services and the hosts of the session's secrets. */
        ALLOWLIST,
        /** That, plus the hosts allowed for the session's repository (the default). */
        REPOSITORY;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Network fromWire(String value) {
            return Wire.parse(Network.class, value);
        }
    }
}
