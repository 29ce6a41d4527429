package dev.nightshift.server;

import dev.nightshift.agent.AgentSettings;
import dev.nightshift.agent.model.GatewayConfig;
import dev.nightshift.core.policy.AttachmentLimits;
import dev.nightshift.core.policy.Limits;
import dev.nightshift.core.policy.SandboxLifecycle;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.store.StoreConfig;

/**
 * Every operator setting, with its one default. Each is read from an environment variable of the
 * same name, or from the config file ({@code NIGHTSHIFT_CONFIG_FILE}, a properties file using the
 * same names); the environment wins. The README's configuration table lists these.
 */
public enum Setting {
    CONFIG_FILE(
            "NIGHTSHIFT_CONFIG_FILE",
            "nightshift.properties",
            "Properties file with any of these settings (used when it exists)."),
    PORT("NIGHTSHIFT_PORT", "8080", "HTTP port (0 picks a free one)."),
    BIND("NIGHTSHIFT_BIND", "127.0.0.1", "Address to listen on; 0.0.0.0 for every interface."),
    DATA_DIR(
            "NIGHTSHIFT_DATA_DIR",
            "./nightshift-data",
            "Where the SQLite database, the admin token and session files live."),
    PUBLIC_URL("NIGHTSHIFT_PUBLIC_URL", "", "URL people use to reach this server (default: http://BIND:PORT)."),
    PREVIEW_DOMAIN(
            "NIGHTSHIFT_PREVIEW_DOMAIN",
            "",
            "Empty: previews at /api/sessions/ID/ports/PORT/. A domain (e.g. preview.example.com, with wildcard DNS and certificate pointing here): port P of session ses_X is previewed at p<P>-<X>.<domain>, its own origin."),
    DATABASE_URL(
            "NIGHTSHIFT_DATABASE_URL",
            "",
            "Empty: SQLite in the data directory. A jdbc:postgresql://… URL switches to PostgreSQL."),
    DATABASE_USER("NIGHTSHIFT_DATABASE_USER", "", "PostgreSQL user."),
    DATABASE_PASSWORD("NIGHTSHIFT_DATABASE_PASSWORD", "", "PostgreSQL password."),
    DATABASE_POOL_SIZE(
            "NIGHTSHIFT_DATABASE_POOL_SIZE",
            String.valueOf(StoreConfig.DEFAULT_POOL_SIZE),
            "Most open database connections."),
    SQLITE_SYNCHRONOUS(
            "NIGHTSHIFT_SQLITE_SYNCHRONOUS",
            StoreConfig.DEFAULT_SQLITE_SYNCHRONOUS,
            "SQLite durability: NORMAL survives a killed server, FULL also a power cut (slower)."),
    MAX_UNFINISHED_PROMPTS(
            "NIGHTSHIFT_MAX_UNFINISHED_PROMPTS",
            String.valueOf(Limits.DEFAULTS.maxUnfinishedPrompts()),
            "Pending + running prompts per session."),
    MAX_PROMPT_CHARS(
            "NIGHTSHIFT_MAX_PROMPT_CHARS",
            String.valueOf(Limits.DEFAULTS.maxPromptChars()),
            "Longest prompt accepted."),
    MAX_ATTACHMENTS(
            "NIGHTSHIFT_MAX_ATTACHMENTS",
            String.valueOf(AttachmentLimits.DEFAULTS.maxCount()),
            "Most files attached to one prompt (images and text files); 0 takes none."),
    MAX_ATTACHMENT_BYTES(
            "NIGHTSHIFT_MAX_ATTACHMENT_BYTES",
            Units.formatBytes(AttachmentLimits.DEFAULTS.maxBytes()),
            "Largest file attached to a prompt."),
    LIVE_TOKEN_TTL(
            "NIGHTSHIFT_LIVE_TOKEN_TTL",
            Units.formatDuration(Limits.DEFAULTS.liveTokenTtl()),
            "Lifetime of a token that joins a session's live stream."),
    TURN_LEASE(
            "NIGHTSHIFT_TURN_LEASE",
            "30s",
            "How long a running turn stays owned by a node that stopped renewing it before another takes over."),
    QUESTION_TIMEOUT(
            "NIGHTSHIFT_QUESTION_TIMEOUT",
            "24h",
            "How long a turn waits for an answer to the agent's question (or a review of its plan) before the agent is told that none came and goes on."),
    RATE_LIMITS(
            "NIGHTSHIFT_RATE_LIMITS",
            "on",
            "on or off: off switches every rate limit below off (behind a limiter of your own, or to measure without them)."),
    RATE_LIMIT_API_PER_TOKEN(
            "NIGHTSHIFT_RATE_LIMIT_API_PER_TOKEN",
            "600",
            "API requests a minute per token (all at once as a burst, then refilled evenly); more get 429 with Retry-After."),
    RATE_LIMIT_API_PER_ADDRESS(
            "NIGHTSHIFT_RATE_LIMIT_API_PER_ADDRESS", "1200", "API requests a minute per client address."),
    RATE_LIMIT_FAILED_AUTH_PER_ADDRESS(
            "NIGHTSHIFT_RATE_LIMIT_FAILED_AUTH_PER_ADDRESS",
            "20",
            "Failed authentications (401 answers) a minute per client address; beyond that its requests with credentials get 429 unchecked."),
    RATE_LIMIT_SIGN_IN_PER_ADDRESS(
            "NIGHTSHIFT_RATE_LIMIT_SIGN_IN_PER_ADDRESS",
            "30",
            "Sign-in requests (/auth/…: starts and callbacks) a minute per client address."),
    RATE_LIMIT_WEBHOOKS_PER_ADDRESS(
            "NIGHTSHIFT_RATE_LIMIT_WEBHOOKS_PER_ADDRESS",
            "120",
            "Webhook deliveries (/webhooks/…) a minute per client address."),
    RATE_LIMIT_WEBSOCKET_MESSAGES(
            "NIGHTSHIFT_RATE_LIMIT_WEBSOCKET_MESSAGES",
            "120",
            "Messages per WebSocket every 10 seconds; more get an error frame with status 429 (the socket stays open)."),
    RATE_LIMIT_TRIGGERS_PER_USER(
            "NIGHTSHIFT_RATE_LIMIT_TRIGGERS_PER_USER",
            "30",
            "Sessions and follow-ups a minute that automations and integrations may start as one user; more are refused and the run records why."),
    AUTOMATION_RUN_TIMEOUT(
            "NIGHTSHIFT_AUTOMATION_RUN_TIMEOUT",
            Units.formatDuration(dev.nightshift.triggers.RunRules.DEFAULT_TIMEOUT),
            "How long an automation's run may take before its turn is stopped and the run marked failed."),
    AUTOMATION_TICK(
            "NIGHTSHIFT_AUTOMATION_TICK",
            Units.formatDuration(dev.nightshift.triggers.AutomationScheduler.DEFAULT_TICK),
            "How often each node looks for due schedules (a due time fires within this much of its minute) and reconciles automation runs."),
    TRUSTED_PROXIES(
            "NIGHTSHIFT_TRUSTED_PROXIES",
            "",
            "IP addresses of your reverse proxies, comma-separated: only from them is X-Forwarded-For believed for the client address."),
    SANDBOX(
            "NIGHTSHIFT_SANDBOX",
            dev.nightshift.sandbox.IsolationChoice.AUTO,
            "Sandbox provider: auto (the best isolation this host offers: bubblewrap as root, else rootless bubblewrap; the log says which and why), bubblewrap (root or rootless, by the user Nightshift runs as), or process (NO isolation, trusted development machines only; never chosen by auto)."),
    SANDBOX_MEMORY(
            "NIGHTSHIFT_SANDBOX_MEMORY",
            Units.formatBytes(SandboxLimits.DEFAULTS.memoryBytes()),
            "Memory per sandbox."),
    SANDBOX_MAX_PROCESSES(
            "NIGHTSHIFT_SANDBOX_MAX_PROCESSES",
            String.valueOf(SandboxLimits.DEFAULTS.maxProcesses()),
            "Processes and threads per sandbox."),
    SANDBOX_CPU_PERCENT(
            "NIGHTSHIFT_SANDBOX_CPU_PERCENT",
            String.valueOf(SandboxLimits.DEFAULTS.cpuPercent()),
            "CPU per sandbox, in percent of one core."),
    SANDBOX_DISK(
            "NIGHTSHIFT_SANDBOX_DISK",
            Units.formatBytes(SandboxLimits.DEFAULTS.diskBytes()),
            "Largest file a sandbox may write, and the most a restored snapshot may hold."),
    SANDBOX_IDLE_TIMEOUT(
            "NIGHTSHIFT_SANDBOX_IDLE_TIMEOUT",
            Units.formatDuration(SandboxLifecycle.DEFAULT_IDLE_TIMEOUT),
            "A sandbox with no real activity for this long hibernates (its workspace is archived, its processes stop)."),
    SANDBOX_WARM_POOL(
            "NIGHTSHIFT_SANDBOX_WARM_POOL",
            String.valueOf(dev.nightshift.sandbox.BubblewrapConfig.DEFAULT_WARM_POOL),
            "Empty sandboxes kept ready so a new session skips creation."),
    EGRESS_ALLOW(
            "NIGHTSHIFT_EGRESS_ALLOW",
            "",
            "Hosts every sandbox may reach through the egress proxy, comma-separated (e.g. registry.npmjs.org,*.pypi.org)."),
    EGRESS_INTERNAL_HOSTS(
            "NIGHTSHIFT_EGRESS_INTERNAL_HOSTS",
            "",
            "Internal services sandboxes may reach although they resolve to private addresses: host or host:port, comma-separated (never link-local)."),
    EGRESS_ORIGIN_CA_FILE(
            "NIGHTSHIFT_EGRESS_ORIGIN_CA_FILE",
            "",
            "PEM file of CA certificates the egress proxy trusts, besides the JDK's, for the hosts it intercepts (an internal service with a private CA)."),
    EGRESS_ALLOW_BY_REPO(
            "NIGHTSHIFT_EGRESS_ALLOW_BY_REPO", "", "More hosts per repository: 'repo=host,host; other-repo=host'."),
    REPOSITORY_ALLOW(
            "NIGHTSHIFT_REPOSITORY_ALLOW",
            "",
            "Repositories sessions may use, comma-separated patterns (github.com/acme/*, git@gitlab.example.com:team/**, /srv/repos/*); empty: every remote repository."),
    LOCAL_REPOSITORY_ROOTS(
            "NIGHTSHIFT_LOCAL_REPOSITORY_ROOTS",
            "",
            "Directories (absolute paths, comma-separated) inside which anyone may use a local repository; empty: local paths and file:// are for administrators only. The data directory never is a repository."),
    GIT_INTERNAL_HOSTS(
            "NIGHTSHIFT_GIT_INTERNAL_HOSTS",
            "",
            "Git hosts the control plane may reach although they resolve to loopback or private addresses (an internal GitLab), comma-separated; empty: public addresses only."),
    MODEL(
            GatewayConfig.MODEL,
            "",
            "The default model, as provider/model: anthropic/…, openai/…, openai-compatible/…, ollama/…. A session or prompt may name another."),
    FALLBACK_MODELS(
            GatewayConfig.FALLBACK_MODELS,
            "",
            "Models tried in order on rate limits, server errors, timeouts and connection failures, comma-separated."),
    MODEL_TIMEOUT(
            GatewayConfig.MODEL_TIMEOUT,
            Units.formatDuration(GatewayConfig.DEFAULT_TIMEOUT),
            "A model stream silent for this long counts as a timeout."),
    MODEL_MAX_RETRIES(
            GatewayConfig.MODEL_MAX_RETRIES,
            String.valueOf(GatewayConfig.DEFAULT_MAX_RETRIES),
            "Retries of one model (with backoff honouring Retry-After) before the next in the chain."),
    MODEL_PRICES(
            GatewayConfig.MODEL_PRICES,
            "",
            "USD per million tokens, input:cached:output, e.g. 'openai/gpt-5=1.25:0.125:10'; used for cost events and budgets."),
    VISION_MODELS(
            GatewayConfig.VISION_MODELS,
            GatewayConfig.DEFAULT_VISION_MODELS,
            "Models that are sent prompts' images, as provider/model patterns (* matches anything), comma-separated, or none; other models get each image described in words."),
    ANTHROPIC_API_KEY(GatewayConfig.ANTHROPIC_API_KEY, "", "Key for anthropic/… models."),
    ANTHROPIC_BASE_URL(
            GatewayConfig.ANTHROPIC_BASE_URL, GatewayConfig.DEFAULT_ANTHROPIC_BASE_URL, "Messages API endpoint."),
    OPENAI_API_KEY(GatewayConfig.OPENAI_API_KEY, "", "Key for openai/… models."),
    OPENAI_BASE_URL(
            GatewayConfig.OPENAI_BASE_URL,
            GatewayConfig.DEFAULT_OPENAI_BASE_URL,
            "Chat Completions endpoint for openai/…."),
    OPENAI_COMPATIBLE_BASE_URL(
            GatewayConfig.OPENAI_COMPATIBLE_BASE_URL,
            "",
            "Any server with the OpenAI Chat Completions API and tools (vLLM, llama.cpp server, LM Studio, OpenRouter, …)."),
    OPENAI_COMPATIBLE_API_KEY(GatewayConfig.OPENAI_COMPATIBLE_API_KEY, "", "Key for that server, if it needs one."),
    OLLAMA_BASE_URL(
            GatewayConfig.OLLAMA_BASE_URL,
            GatewayConfig.DEFAULT_OLLAMA_BASE_URL,
            "Ollama's OpenAI-compatible endpoint."),
    AGENT_MAX_STEPS(
            "NIGHTSHIFT_AGENT_MAX_STEPS", String.valueOf(AgentSettings.DEFAULTS.maxSteps()), "Model calls per turn."),
    AGENT_TURN_TOKENS(
            "NIGHTSHIFT_AGENT_TURN_TOKENS",
            String.valueOf(AgentSettings.DEFAULTS.maxTurnTokens()),
            "Input + output tokens per turn (0: no limit)."),
    AGENT_TURN_BUDGET_USD(
            "NIGHTSHIFT_AGENT_TURN_BUDGET_USD", "0", "Money per turn, from the price table (0: no limit)."),
    AGENT_SESSION_BUDGET_USD(
            "NIGHTSHIFT_AGENT_SESSION_BUDGET_USD",
            "0",
            "Money per session, across turns (0: no limit); a session and the child sessions its agent started share it."),
    CHILD_SESSION_DEPTH(
            "NIGHTSHIFT_CHILD_SESSION_DEPTH",
            "2",
            "How deep child sessions started by agents may go: 1, only a session a person started may start them (0: none at all)."),
    CHILD_SESSIONS_RUNNING(
            "NIGHTSHIFT_CHILD_SESSIONS_RUNNING", "5", "Child sessions of one session that may be at work at once."),
    CHILD_SESSIONS_PER_PARENT(
            "NIGHTSHIFT_CHILD_SESSIONS_PER_PARENT", "15", "Child sessions one session's agent may start in all."),
    MCP_SERVERS(
            "NIGHTSHIFT_MCP_SERVERS",
            "",
            "Remote MCP servers (streamable HTTP) the control plane calls for the agent: a JSON array, inline or in the file this names, of {name, url, tools, secret?, header?, repositories?, maxAnswerChars?, timeoutSeconds?} (see MCP tools)."),
    MCP_REPOSITORY_SERVERS(
            "NIGHTSHIFT_MCP_REPOSITORY_SERVERS",
            "true",
            "true: the stdio MCP servers a repository declares in .mcp.json run in its sessions' sandboxes for the agent; false: they are ignored."),
    SECRET_KEY(
            "NIGHTSHIFT_SECRET_KEY",
            "",
            "Base64 of 32 random bytes (openssl rand -base64 32) sealing stored credentials with AES-GCM. Empty: a key file generated in the data directory at first start."),
    EGRESS_CA_REGENERATE(
            "NIGHTSHIFT_EGRESS_CA_REGENERATE",
            "false",
            "true: make a new egress CA at start when the stored one (egress-ca.pem, egress-ca.key.sealed in the data directory) is missing or broken; false: refuse to start and say so."),
    GIT_AGENT_NAME(
            "NIGHTSHIFT_GIT_AGENT_NAME",
            "Nightshift",
            "The agent's name in the Co-Authored-By trailer of its commits."),
    GIT_AGENT_EMAIL("NIGHTSHIFT_GIT_AGENT_EMAIL", "agent@nightshift.invalid", "The agent's email in that trailer."),
    GITHUB_API_URL(
            "NIGHTSHIFT_GITHUB_API_URL",
            "https://api.github.com",
            "GitHub's REST API (a GitHub Enterprise Server's /api/v3)."),
    GITHUB_WEB_URL(
            "NIGHTSHIFT_GITHUB_WEB_URL",
            "https://github.com",
            "GitHub's web address: repositories on its host get pull requests, and sign-in goes there."),
    GITHUB_CLIENT_ID(
            "NIGHTSHIFT_GITHUB_CLIENT_ID",
            "",
            "The GitHub App's client id, for signing in with GitHub (empty: no GitHub sign-in)."),
    GITHUB_CLIENT_SECRET("NIGHTSHIFT_GITHUB_CLIENT_SECRET", "", "The GitHub App's client secret."),
    GITHUB_APP_ID(
            "NIGHTSHIFT_GITHUB_APP_ID",
            "",
            "The GitHub App's id, for installation tokens (work that is no person's action)."),
    GITHUB_APP_PRIVATE_KEY_FILE(
            "NIGHTSHIFT_GITHUB_APP_PRIVATE_KEY_FILE", "", "PEM file of the GitHub App's private key."),
    GITHUB_WEBHOOK_SECRET(
            "NIGHTSHIFT_GITHUB_WEBHOOK_SECRET",
            "",
            "Secret of the GitHub webhook; /webhooks/github refuses every delivery while it is empty."),
    GITHUB_APP_SLUG(
            "NIGHTSHIFT_GITHUB_APP_SLUG",
            "",
            "The GitHub App's slug (its URL name): '@slug do X' in an issue or pull request comment starts or steers a session. Empty: mentions are ignored."),
    GITHUB_ISSUE_LABEL(
            "NIGHTSHIFT_GITHUB_ISSUE_LABEL",
            "nightshift",
            "Adding this label to an issue (or assigning the App's bot to it) starts a session on it; empty: only assignment does."),
    GITHUB_REVIEW_REPOSITORIES(
            "NIGHTSHIFT_GITHUB_REVIEW_REPOSITORIES",
            "",
            "Repositories whose new pull requests get an automatic review ('owner/repo' or 'owner/*', comma-separated): a read-only session whose review the App posts. Empty: off."),
    GITHUB_REVIEW_NIGHTSHIFT_PRS(
            "NIGHTSHIFT_GITHUB_REVIEW_NIGHTSHIFT_PRS",
            "false",
            "true: pull requests Nightshift opened are reviewed automatically too."),
    GITHUB_REREVIEW_ON_PUSH(
            "NIGHTSHIFT_GITHUB_REREVIEW_ON_PUSH",
            "false",
            "true: every push to a reviewed pull request gets a new automatic review."),
    GITHUB_CI_FIX_ATTEMPTS(
            "NIGHTSHIFT_GITHUB_CI_FIX_ATTEMPTS",
            "3",
            "Failing check suites or workflow runs a Nightshift session's branch may have: each failure before the last becomes a follow-up turn with the failing steps' logs, the last one a comment asking for a human (0: off)."),
    GITHUB_ARCHIVE_AFTER(
            "NIGHTSHIFT_GITHUB_ARCHIVE_AFTER",
            "1h",
            "How long after its pull request is merged or closed a session is archived (its sandbox goes)."),
    SLACK_BOT_TOKEN(
            "NIGHTSHIFT_SLACK_BOT_TOKEN",
            "",
            "The Slack app's bot token (xoxb-…): mentions and direct messages start sessions. Empty: Slack is off."),
    SLACK_SIGNING_SECRET(
            "NIGHTSHIFT_SLACK_SIGNING_SECRET",
            "",
            "The Slack app's signing secret, checked on every Events API and interactivity request."),
    SLACK_APP_TOKEN(
            "NIGHTSHIFT_SLACK_APP_TOKEN",
            "",
            "An app-level token (xapp-…, connections:write): Slack's events arrive over Socket Mode, so no public URL is needed."),
    SLACK_API_URL("NIGHTSHIFT_SLACK_API_URL", "https://slack.com/api/", "Slack's Web API (ending in /)."),
    SLACK_CHANNEL_REPOSITORIES(
            "NIGHTSHIFT_SLACK_CHANNEL_REPOSITORIES",
            "",
            "A channel's default repository when a request names none: 'CHANNELID=git-url' entries separated by ';'."),
    LINEAR_ACCESS_TOKEN(
            "NIGHTSHIFT_LINEAR_ACCESS_TOKEN",
            "",
            "A static access token of the Linear application (actor=app), instead of installing it at /api/linear/install; an installation made there wins over it. Empty with no client id: Linear is off."),
    LINEAR_CLIENT_ID(
            "NIGHTSHIFT_LINEAR_CLIENT_ID",
            "",
            "The Linear application's client id: an administrator installs it (OAuth, actor=app) from /api/linear/install, and its tokens are stored sealed and refreshed. Empty: only NIGHTSHIFT_LINEAR_ACCESS_TOKEN."),
    LINEAR_CLIENT_SECRET("NIGHTSHIFT_LINEAR_CLIENT_SECRET", "", "The Linear application's client secret."),
    LINEAR_OAUTH_URL(
            "NIGHTSHIFT_LINEAR_OAUTH_URL",
            dev.nightshift.linear.LinearOAuth.DEFAULT_AUTHORIZE_URL.toString(),
            "Linear's page where a workspace administrator approves the install."),
    LINEAR_TOKEN_URL(
            "NIGHTSHIFT_LINEAR_TOKEN_URL",
            dev.nightshift.linear.LinearOAuth.DEFAULT_TOKEN_URL.toString(),
            "Linear's OAuth token endpoint (codes and refresh tokens); revocation is 'revoke' beside it."),
    LINEAR_WEBHOOK_SECRET(
            "NIGHTSHIFT_LINEAR_WEBHOOK_SECRET",
            "",
            "Secret of the Linear webhook; /webhooks/linear refuses every delivery while it is empty."),
    LINEAR_API_URL("NIGHTSHIFT_LINEAR_API_URL", "https://api.linear.app/graphql", "Linear's GraphQL endpoint."),
    LINEAR_REPOSITORIES(
            "NIGHTSHIFT_LINEAR_REPOSITORIES",
            "",
            "Which repository a Linear issue works on: 'TEAM=git-url' and 'label:name=git-url' entries separated by ';' (a label beats its team)."),
    OIDC_PROVIDERS(
            "NIGHTSHIFT_OIDC_PROVIDERS",
            "",
            "OpenID Connect sign-in: 'name issuer-url client-id' entries separated by ';' (e.g. 'keycloak https://sso.acme.com/realms/acme nightshift')."),
    OIDC_CLIENT_SECRETS(
            "NIGHTSHIFT_OIDC_CLIENT_SECRETS", "", "Their client secrets: 'name=secret' entries separated by ';'."),
    OIDC_GROUPS_CLAIM(
            "NIGHTSHIFT_OIDC_GROUPS_CLAIM",
            "groups",
            "The ID token claim holding a person's groups (for NIGHTSHIFT_ADMIT_GROUPS)."),
    ADMIT_PEOPLE(
            "NIGHTSHIFT_ADMIT_PEOPLE",
            "",
            "Who may sign in: logins at the provider or e-mail addresses, comma-separated. With no ADMIT_* rule only administrators get in."),
    ADMIT_DOMAINS(
            "NIGHTSHIFT_ADMIT_DOMAINS",
            "",
            "E-mail domains whose verified addresses may sign in, comma-separated (acme.com)."),
    ADMIT_GITHUB_ORGS(
            "NIGHTSHIFT_ADMIT_GITHUB_ORGS",
            "",
            "GitHub organisations (acme) or teams (acme/platform) whose members may sign in, checked with their token."),
    ADMIT_GROUPS("NIGHTSHIFT_ADMIT_GROUPS", "", "Values of the OpenID group claim that may sign in, comma-separated."),
    ADMINS(
            "NIGHTSHIFT_ADMINS",
            "",
            "Made administrators at sign-in: verified e-mail addresses or kind:subject (github:583231, the account's immutable id)."),
    ADMISSION_CONTACT(
            "NIGHTSHIFT_ADMISSION_CONTACT",
            "",
            "Whom a person who is not admitted should ask (shown on the refusal page)."),
    SIGNIN_TOKEN_TTL("NIGHTSHIFT_SIGNIN_TOKEN_TTL", "30d", "Lifetime of the token a browser gets at sign-in."),
    SESSIONS_VISIBLE_TO_ALL(
            "NIGHTSHIFT_SESSIONS_VISIBLE_TO_ALL",
            "false",
            "true: every signed-in person may watch every session (as a viewer); false: only its participants and administrators.");

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
