package dev.nightshift.server;

import dev.nightshift.core.policy.Limits;
import dev.nightshift.core.policy.SandboxLifecycle;
import dev.nightshift.core.sandbox.SandboxLimits;

/**
 * Every operator setting, with its one default. Each is read from an environment variable of the
 * same name, or from the config file ({@code NIGHTSHIFT_CONFIG_FILE}, a properties file using the
 * same names); the environment wins. The README's configuration table lists these.
 */
public enum Setting {
    CONFIG_FILE("NIGHTSHIFT_CONFIG_FILE", "nightshift.properties",
            "Properties file with any of these settings (used when it exists)."),
    PORT("NIGHTSHIFT_PORT", "8080", "HTTP port (0 picks a free one)."),
    BIND("NIGHTSHIFT_BIND", "127.0.0.1", "Address to listen on; 0.0.0.0 for every interface."),
    DATA_DIR("NIGHTSHIFT_DATA_DIR", "./nightshift-data",
            "Where the SQLite database, the admin token and session files live."),
    PUBLIC_URL("NIGHTSHIFT_PUBLIC_URL", "", "URL people use to reach this server (default: http://BIND:PORT)."),
    DATABASE_URL("NIGHTSHIFT_DATABASE_URL", "",
            "Empty: SQLite in the data directory. A jdbc:postgresql://… URL switches to PostgreSQL."),
    DATABASE_USER("NIGHTSHIFT_DATABASE_USER", "", "PostgreSQL user."),
    DATABASE_PASSWORD("NIGHTSHIFT_DATABASE_PASSWORD", "", "PostgreSQL password."),
    DATABASE_POOL_SIZE("NIGHTSHIFT_DATABASE_POOL_SIZE", "10", "Most open database connections."),
    SQLITE_SYNCHRONOUS("NIGHTSHIFT_SQLITE_SYNCHRONOUS", "NORMAL",
            "SQLite durability: NORMAL survives a killed server, FULL also a power cut (slower)."),
    MAX_UNFINISHED_PROMPTS("NIGHTSHIFT_MAX_UNFINISHED_PROMPTS", String.valueOf(Limits.DEFAULTS.maxUnfinishedPrompts()),
            "Pending + running prompts per session."),
    MAX_PROMPT_CHARS("NIGHTSHIFT_MAX_PROMPT_CHARS", String.valueOf(Limits.DEFAULTS.maxPromptChars()), "Longest prompt accepted."),
    LIVE_TOKEN_TTL("NIGHTSHIFT_LIVE_TOKEN_TTL", Units.formatDuration(Limits.DEFAULTS.liveTokenTtl()),
            "Lifetime of a token that joins a session's live stream."),
    TURN_LEASE("NIGHTSHIFT_TURN_LEASE", "30s",
            "How long a running turn stays owned by a node that stopped renewing it before another takes over."),
    SANDBOX("NIGHTSHIFT_SANDBOX", "bubblewrap",
            "Sandbox provider: bubblewrap (isolated; runs as root), or process (NO isolation, trusted development machines only)."),
    SANDBOX_MEMORY("NIGHTSHIFT_SANDBOX_MEMORY", Units.formatBytes(SandboxLimits.DEFAULTS.memoryBytes()),
            "Memory per sandbox."),
    SANDBOX_MAX_PROCESSES("NIGHTSHIFT_SANDBOX_MAX_PROCESSES", String.valueOf(SandboxLimits.DEFAULTS.maxProcesses()),
            "Processes and threads per sandbox."),
    SANDBOX_CPU_PERCENT("NIGHTSHIFT_SANDBOX_CPU_PERCENT", String.valueOf(SandboxLimits.DEFAULTS.cpuPercent()),
            "CPU per sandbox, in percent of one core."),
    SANDBOX_DISK("NIGHTSHIFT_SANDBOX_DISK", Units.formatBytes(SandboxLimits.DEFAULTS.diskBytes()),
            "Largest file a sandbox may write, and the most a restored snapshot may hold."),
    SANDBOX_IDLE_TIMEOUT("NIGHTSHIFT_SANDBOX_IDLE_TIMEOUT", Units.formatDuration(SandboxLifecycle.DEFAULT_IDLE_TIMEOUT),
            "A sandbox with no real activity for this long hibernates (its workspace is archived, its processes stop)."),
    SANDBOX_WARM_POOL("NIGHTSHIFT_SANDBOX_WARM_POOL", String.valueOf(dev.nightshift.sandbox.BubblewrapConfig.DEFAULT_WARM_POOL),
            "Empty sandboxes kept ready so a new session skips creation."),
    EGRESS_ALLOW("NIGHTSHIFT_EGRESS_ALLOW", "",
            "Hosts every sandbox may reach through the egress proxy, comma-separated (e.g. registry.npmjs.org,*.pypi.org)."),
    EGRESS_ALLOW_BY_REPO("NIGHTSHIFT_EGRESS_ALLOW_BY_REPO", "",
            "More hosts per repository: 'repo=host,host; other-repo=host'.");

    private final String env;
    private final String defaultValue;
    private final String description;

    Setting(String env, String defaultValue, String description) {
        this.env = env;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String env() {
        return env;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
