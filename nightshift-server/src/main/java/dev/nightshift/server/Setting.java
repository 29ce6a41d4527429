package dev.nightshift.server;

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
    MAX_UNFINISHED_PROMPTS("NIGHTSHIFT_MAX_UNFINISHED_PROMPTS", "10", "Pending + running prompts per session."),
    MAX_PROMPT_CHARS("NIGHTSHIFT_MAX_PROMPT_CHARS", "64000", "Longest prompt accepted."),
    LIVE_TOKEN_TTL("NIGHTSHIFT_LIVE_TOKEN_TTL", "1h", "Lifetime of a token that joins a session's live stream."),
    TURN_LEASE("NIGHTSHIFT_TURN_LEASE", "30s",
            "How long a running turn stays owned by a node that stopped renewing it before another takes over.");

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
