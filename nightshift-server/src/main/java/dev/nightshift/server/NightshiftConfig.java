package dev.nightshift.server;

import dev.nightshift.agent.AgentSettings;
import dev.nightshift.core.policy.AttachmentLimits;
import dev.nightshift.core.policy.ChildSessionLimits;
import dev.nightshift.core.policy.Limits;
import dev.nightshift.core.policy.RepositoryPolicy;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.server.auth.OidcProviderSetting;
import dev.nightshift.server.limits.RateLimitSettings;
import dev.nightshift.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The resolved configuration of one control plane. Build it from the environment with
 * {@link #fromEnvironment()}, or from any map of {@link Setting} names for tests.
 */
public record NightshiftConfig(
        String bind,
        int port,
        Path dataDir,
        String publicUrl,
        StoreConfig store,
        Limits limits,
        Duration turnLease,
        SandboxSettings sandbox,
        Map<String, String> values) {

    /** One setting's value as given, else its default. */
    public String get(Setting setting) {
        return value(values, setting);
    }

    /** How much may be attached to one prompt. */
    public AttachmentLimits attachmentLimits() {
        return new AttachmentLimits(
                intValue(values, Setting.MAX_ATTACHMENTS, 0, 100),
                Units.parseBytes(Setting.MAX_ATTACHMENT_BYTES.env(), value(values, Setting.MAX_ATTACHMENT_BYTES)));
    }

    /** The agent's guards, from the settings. */
    public AgentSettings agent() {
        return AgentSettings.DEFAULTS
                .withMaxSteps(intValue(values, Setting.AGENT_MAX_STEPS, 1, 100_000))
                .withMaxTurnTokens(longValue(values, Setting.AGENT_TURN_TOKENS))
                .withBudgets(
                        money(values, Setting.AGENT_TURN_BUDGET_USD), money(values, Setting.AGENT_SESSION_BUDGET_USD));
    }

    /** How far agents may go in starting sessions of their own, from the settings. */
    public ChildSessionLimits childSessionLimits() {
        return new ChildSessionLimits(
                intValue(values, Setting.CHILD_SESSION_DEPTH, 0, 10),
                intValue(values, Setting.CHILD_SESSIONS_RUNNING, 0, 1_000),
                intValue(values, Setting.CHILD_SESSIONS_PER_PARENT, 0, 10_000),
                Setting.CHILD_SESSION_DEPTH.env(),
                Setting.CHILD_SESSIONS_RUNNING.env(),
                Setting.CHILD_SESSIONS_PER_PARENT.env());
    }

    /** Which repositories sessions may use, from the settings; a bad pattern or root fails naming its setting. */
    public RepositoryPolicy repositoryPolicy() {
        List<Path> roots = list(values, Setting.LOCAL_REPOSITORY_ROOTS).stream()
                .map(Path::of)
                .toList();
        try {
            return new RepositoryPolicy(list(values, Setting.REPOSITORY_ALLOW), roots, dataDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    (roots.stream().anyMatch(r -> !r.isAbsolute())
                                            ? Setting.LOCAL_REPOSITORY_ROOTS
                                            : Setting.REPOSITORY_ALLOW)
                                    .env()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Internal services sandboxes may reach on private addresses ({@code host} or {@code host:port}). */
    public List<String> egressInternalHosts() {
        List<String> hosts = list(values, Setting.EGRESS_INTERNAL_HOSTS);
        for (String h : hosts) {
            if (!h.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException(
                        Setting.EGRESS_INTERNAL_HOSTS.env() + " entries are host or host:port, got '" + h + "'");
            }
        }
        return hosts;
    }

    /** The CAs the egress proxy trusts for intercepted origins besides the JDK's, or null when none is configured. */
    public java.security.KeyStore egressOriginTrust() {
        String file = get(Setting.EGRESS_ORIGIN_CA_FILE);
        if (file.isEmpty()) {
            return null;
        }
        try (var in = Files.newInputStream(Path.of(file))) {
            var store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (var cert :
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("origin-ca-" + n++, cert);
            }
            if (n == 0) {
                throw new IllegalArgumentException(Setting.EGRESS_ORIGIN_CA_FILE.env() + ": no certificate in " + file);
            }
            return store;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    Setting.EGRESS_ORIGIN_CA_FILE.env() + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The hosts host git may reach on loopback or private addresses. */
    public List<String> gitInternalHosts() {
        return list(values, Setting.GIT_INTERNAL_HOSTS);
    }

    private static List<String> list(Map<String, String> values, Setting setting) {
        return java.util.Arrays.stream(value(values, setting).split(","))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** The rate limits, from the settings. */
    public RateLimitSettings rateLimits() {
        String onOff = value(values, Setting.RATE_LIMITS).toLowerCase(java.util.Locale.ROOT);
        if (!onOff.equals("on") && !onOff.equals("off")) {
            throw new IllegalArgumentException(Setting.RATE_LIMITS.env() + " must be on or off, got '" + onOff + "'");
        }
        return new RateLimitSettings(
                onOff.equals("on"),
                intValue(values, Setting.RATE_LIMIT_API_PER_TOKEN, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_API_PER_ADDRESS, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_FAILED_AUTH_PER_ADDRESS, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_SIGN_IN_PER_ADDRESS, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_WEBHOOKS_PER_ADDRESS, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_WEBSOCKET_MESSAGES, 1, 10_000_000),
                intValue(values, Setting.RATE_LIMIT_TRIGGERS_PER_USER, 1, 10_000_000),
                SandboxSettings.hosts(value(values, Setting.TRUSTED_PROXIES)));
    }

    private static long longValue(Map<String, String> values, Setting setting) {
        try {
            long v = Long.parseLong(value(values, setting));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    setting.env() + " must be a whole number, 0 or more, got '" + value(values, setting) + "'");
        }
    }

    private static double money(Map<String, String> values, Setting setting) {
        try {
            double v = Double.parseDouble(value(values, setting));
            if (v < 0 || Double.isNaN(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    setting.env() + " must be an amount in USD, 0 or more, got '" + value(values, setting) + "'");
        }
    }

    /** Who may sign in, and who is made an administrator at sign-in. */
    public dev.nightshift.core.policy.Admission.Rules admission() {
        return new dev.nightshift.core.policy.Admission.Rules(
                set(Setting.ADMIT_PEOPLE),
                set(Setting.ADMIT_DOMAINS),
                set(Setting.ADMIT_GITHUB_ORGS),
                set(Setting.ADMIT_GROUPS),
                set(Setting.ADMINS));
    }

    private java.util.Set<String> set(Setting setting) {
        return new java.util.LinkedHashSet<>(list(values, setting));
    }

    /**
     * How people sign in here, for the start-up banner: tokens only, or the providers with who is
     * admitted; says so loudly when a provider is on but admission admits nobody but administrators.
     */
    public String signInSummary() {
        List<String> providers = new java.util.ArrayList<>();
        if (!get(Setting.GITHUB_CLIENT_ID).isEmpty()) {
            providers.add("GitHub");
        }
        oidcProviders().forEach(p -> providers.add(p.name() + " (OpenID)"));
        if (providers.isEmpty()) {
            return "tokens only (no sign-in provider configured)";
        }
        var rules = admission();
        if (rules.admitsNobody()) {
            return String.join(", ", providers)
                    + "; NOBODY but administrators is admitted: set NIGHTSHIFT_ADMIT_PEOPLE, _DOMAINS, "
                    + "_GITHUB_ORGS or _GROUPS";
        }
        List<String> who = new java.util.ArrayList<>();
        if (!rules.people().isEmpty()) {
            who.add(rules.people().size() + " people");
        }
        if (!rules.domains().isEmpty()) {
            who.add("domains " + String.join(", ", rules.domains()));
        }
        if (!rules.gitHubOrgs().isEmpty()) {
            who.add("GitHub " + String.join(", ", rules.gitHubOrgs()));
        }
        if (!rules.groups().isEmpty()) {
            who.add("groups " + String.join(", ", rules.groups()));
        }
        return String.join(", ", providers) + "; admitted: " + String.join("; ", who);
    }

    public boolean sessionsVisibleToAll() {
        return bool(values, Setting.SESSIONS_VISIBLE_TO_ALL);
    }

    /**
     * The deployment's remote MCP servers: {@link Setting#MCP_SERVERS} holds their JSON array, or
     * names a file holding it. A broken entry fails naming the setting, the entry and the rule.
     */
    public List<dev.nightshift.agent.mcp.RemoteServer> mcpServers() {
        String raw = get(Setting.MCP_SERVERS);
        String json = raw;
        String where = Setting.MCP_SERVERS.env();
        if (!raw.isEmpty() && !raw.startsWith("[") && !raw.startsWith("{")) {
            Path file = Path.of(raw);
            try {
                json = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(where + " is neither a JSON array nor a readable file: cannot read "
                        + file + " (" + e.getMessage() + ")");
            }
            where += " (" + file + ")";
        }
        try {
            return dev.nightshift.agent.mcp.McpServers.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Whether the stdio MCP servers of a repository's {@code .mcp.json} are started for its sessions. */
    public boolean mcpRepositoryServers() {
        return bool(values, Setting.MCP_REPOSITORY_SERVERS);
    }

    /** Whether a missing or broken egress CA may be replaced by a new one at start (see {@code EgressCaStore}). */
    public boolean egressCaRegenerate() {
        return bool(values, Setting.EGRESS_CA_REGENERATE);
    }

    /** What the operator configured for Slack: each channel's default repository. */
    public dev.nightshift.server.slack.SlackWorkplace.Settings slack() {
        Map<String, String> channels = new java.util.LinkedHashMap<>();
        for (String entry : value(values, Setting.SLACK_CHANNEL_REPOSITORIES).split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(Setting.SLACK_CHANNEL_REPOSITORIES.env()
                        + " holds 'CHANNELID=git-url' entries separated by ';', got '" + entry.strip() + "'");
            }
            channels.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return new dev.nightshift.server.slack.SlackWorkplace.Settings(channels);
    }

    /** The repository allowlist's patterns, as the operator wrote them. */
    public List<String> repositoryAllowlist() {
        return list(values, Setting.REPOSITORY_ALLOW);
    }

    /** What the operator configured for work asked for on GitHub (mentions, issues, failing checks). */
    public dev.nightshift.server.github.GitHubWorkplace.Settings gitHub() {
        return new dev.nightshift.server.github.GitHubWorkplace.Settings(
                value(values, Setting.GITHUB_APP_SLUG).strip(),
                value(values, Setting.GITHUB_ISSUE_LABEL).strip(),
                intValue(values, Setting.GITHUB_CI_FIX_ATTEMPTS, 0, 100),
                duration(values, Setting.GITHUB_ARCHIVE_AFTER),
                SandboxSettings.hosts(value(values, Setting.GITHUB_REVIEW_REPOSITORIES)),
                Boolean.parseBoolean(
                        value(values, Setting.GITHUB_REVIEW_NIGHTSHIFT_PRS).strip()),
                Boolean.parseBoolean(
                        value(values, Setting.GITHUB_REREVIEW_ON_PUSH).strip()));
    }

    /** How long a turn waits for an answer to a question or a review of a plan before it goes on without. */
    public Duration questionTimeout() {
        return duration(values, Setting.QUESTION_TIMEOUT);
    }

    /** How long an automation's run may take before its turn is stopped and the run fails. */
    public Duration automationRunTimeout() {
        return duration(values, Setting.AUTOMATION_RUN_TIMEOUT);
    }

    /** How often each node looks for due schedules and reconciles automation runs. */
    public Duration automationTick() {
        return duration(values, Setting.AUTOMATION_TICK);
    }

    public Duration signInTokenTtl() {
        return duration(values, Setting.SIGNIN_TOKEN_TTL);
    }

    /** The OpenID providers people may sign in with, in the order configured. */
    public List<OidcProviderSetting> oidcProviders() {
        Map<String, String> secrets = new HashMap<>();
        for (String entry : get(Setting.OIDC_CLIENT_SECRETS).split(";")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                secrets.put(
                        entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            } else if (!entry.isBlank()) {
                throw new IllegalArgumentException(
                        Setting.OIDC_CLIENT_SECRETS.env() + " entries are 'name=secret', got '" + entry.trim() + "'");
            }
        }
        List<OidcProviderSetting> out = new java.util.ArrayList<>();
        for (String entry : get(Setting.OIDC_PROVIDERS).split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("\\s+");
            if (parts.length != 3 || !parts[0].matches("[a-z0-9][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException(
                        Setting.OIDC_PROVIDERS.env() + " entries are 'name issuer-url client-id' with a "
                                + "lower-case name (letters, digits, '-'), got '" + entry.trim() + "'");
            }
            java.net.URI issuer;
            try {
                issuer = new java.net.URI(parts[1]);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(Setting.OIDC_PROVIDERS.env() + ": '" + parts[1] + "' is not a URL");
            }
            if (!"https".equals(issuer.getScheme()) && !"http".equals(issuer.getScheme())) {
                throw new IllegalArgumentException(
                        Setting.OIDC_PROVIDERS.env() + ": the issuer of " + parts[0] + " must be an https:// URL");
            }
            if (out.stream().anyMatch(p -> p.name().equals(parts[0]))) {
                throw new IllegalArgumentException(Setting.OIDC_PROVIDERS.env() + " names " + parts[0] + " twice");
            }
            out.add(new OidcProviderSetting(parts[0], issuer, parts[2], secrets.getOrDefault(parts[0], "")));
        }
        return out;
    }

    private static boolean bool(Map<String, String> values, Setting setting) {
        String raw = value(values, setting).toLowerCase(java.util.Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(setting.env() + " must be true or false, got '" + raw + "'");
        };
    }

    /** Every setting as given (environment over config file), for the parts that read their own (the model gateway). */
    public NightshiftConfig {
        values = Map.copyOf(values);
    }

    public static NightshiftConfig fromEnvironment() {
        return fromSources(System.getenv());
    }

    /** Reads the config file named by the settings (if it exists), then lets {@code env} override it. */
    public static NightshiftConfig fromSources(Map<String, String> env) {
        Map<String, String> merged = new HashMap<>();
        Path file = Path.of(value(env, Setting.CONFIG_FILE));
        if (Files.isRegularFile(file)) {
            merged.putAll(readProperties(file));
        }
        env.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                merged.put(k, v);
            }
        });
        NightshiftConfig config = from(merged);
        config.agent(); // refuse bad agent settings at start, not at the first prompt
        config.questionTimeout();
        config.attachmentLimits();
        config.oidcProviders();
        config.sessionsVisibleToAll();
        config.egressCaRegenerate();
        config.signInTokenTtl();
        config.repositoryPolicy();
        config.egressInternalHosts();
        config.egressOriginTrust();
        config.rateLimits();
        config.mcpServers();
        config.mcpRepositoryServers();
        return config;
    }

    /** Only the given values; every other setting takes its default. */
    public static NightshiftConfig from(Map<String, String> values) {
        Path dataDir = Path.of(value(values, Setting.DATA_DIR)).toAbsolutePath().normalize();
        String bind = value(values, Setting.BIND);
        int port = intValue(values, Setting.PORT, 0, 65535);
        String databaseUrl = value(values, Setting.DATABASE_URL);
        StoreConfig store = new StoreConfig(
                databaseUrl.isEmpty() ? "jdbc:sqlite:" + dataDir.resolve("nightshift.db") : databaseUrl,
                blankToNull(value(values, Setting.DATABASE_USER)),
                blankToNull(value(values, Setting.DATABASE_PASSWORD)),
                intValue(values, Setting.DATABASE_POOL_SIZE, 1, 1000),
                value(values, Setting.SQLITE_SYNCHRONOUS).toUpperCase(java.util.Locale.ROOT));
        Limits limits = Limits.DEFAULTS
                .withMaxUnfinishedPrompts(intValue(values, Setting.MAX_UNFINISHED_PROMPTS, 1, 10_000))
                .withMaxPromptChars(intValue(values, Setting.MAX_PROMPT_CHARS, 1, 10_000_000))
                .withLiveTokenTtl(duration(values, Setting.LIVE_TOKEN_TTL));
        SandboxSettings sandbox = new SandboxSettings(
                value(values, Setting.SANDBOX).toLowerCase(java.util.Locale.ROOT),
                new SandboxLimits(
                        Units.parseBytes(Setting.SANDBOX_MEMORY.env(), value(values, Setting.SANDBOX_MEMORY)),
                        intValue(values, Setting.SANDBOX_MAX_PROCESSES, 8, 1_000_000),
                        intValue(values, Setting.SANDBOX_CPU_PERCENT, 1, 100_000),
                        Units.parseBytes(Setting.SANDBOX_DISK.env(), value(values, Setting.SANDBOX_DISK)),
                        SandboxLimits.DEFAULTS.maxOutputBytes()),
                duration(values, Setting.SANDBOX_IDLE_TIMEOUT),
                intValue(values, Setting.SANDBOX_WARM_POOL, 0, 1000),
                SandboxSettings.hosts(value(values, Setting.EGRESS_ALLOW)),
                SandboxSettings.hostsByRepository(value(values, Setting.EGRESS_ALLOW_BY_REPO)));
        if (!dev.nightshift.sandbox.IsolationChoice.CONFIGURABLE.contains(sandbox.provider())) {
            throw new IllegalArgumentException(Setting.SANDBOX.env() + " must be one of "
                    + String.join(", ", dev.nightshift.sandbox.IsolationChoice.CONFIGURABLE) + ", got '"
                    + sandbox.provider() + "'");
        }
        return new NightshiftConfig(
                bind,
                port,
                dataDir,
                blankToNull(value(values, Setting.PUBLIC_URL)),
                store,
                limits,
                duration(values, Setting.TURN_LEASE),
                sandbox,
                values);
    }

    public NightshiftConfig withPort(int newPort) {
        return new NightshiftConfig(bind, newPort, dataDir, publicUrl, store, limits, turnLease, sandbox, values);
    }

    public NightshiftConfig withLimits(Limits newLimits) {
        return new NightshiftConfig(bind, port, dataDir, publicUrl, store, newLimits, turnLease, sandbox, values);
    }

    public NightshiftConfig withTurnLease(Duration lease) {
        return new NightshiftConfig(bind, port, dataDir, publicUrl, store, limits, lease, sandbox, values);
    }

    public NightshiftConfig withSandbox(SandboxSettings settings) {
        return new NightshiftConfig(bind, port, dataDir, publicUrl, store, limits, turnLease, settings, values);
    }

    private static String value(Map<String, String> values, Setting setting) {
        String v = values.get(setting.env());
        return v == null || v.isBlank() ? setting.defaultValue() : v.trim();
    }

    private static int intValue(Map<String, String> values, Setting setting, int min, int max) {
        String raw = value(values, setting);
        try {
            int v = Integer.parseInt(raw);
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    setting.env() + " must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
        }
    }

    static Duration parseDuration(String name, String raw) {
        return Units.parseDuration(name, raw);
    }

    private static Duration duration(Map<String, String> values, Setting setting) {
        return parseDuration(setting.env(), value(values, setting));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
        return out;
    }
}
