package dev.nightshift.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nightshift.core.port.ArtifactStore;
import dev.nightshift.core.port.AttachmentStore;
import dev.nightshift.core.port.AuditLog;
import dev.nightshift.core.port.AutomationStore;
import dev.nightshift.core.port.ChannelDefaults;
import dev.nightshift.core.port.CredentialStore;
import dev.nightshift.core.port.EventStore;
import dev.nightshift.core.port.IdentityStore;
import dev.nightshift.core.port.MessageStore;
import dev.nightshift.core.port.OneTimeValues;
import dev.nightshift.core.port.QuestionStore;
import dev.nightshift.core.port.SecretStore;
import dev.nightshift.core.port.SessionStore;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.port.TokenStore;
import dev.nightshift.core.port.TriggerStore;
import dev.nightshift.core.port.UserStore;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on SQLite or PostgreSQL. {@link #open} migrates the schema (one set of Flyway
 * migrations for both) and returns a ready store; {@link #close} releases the pool.
 */
public final class JdbcStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    private final HikariDataSource dataSource;
    private final String dialect;
    private final UserStore users;
    private final IdentityStore identities;
    private final TokenStore tokens;
    private final SessionStore sessions;
    private final MessageStore messages;
    private final EventStore events;
    private final ArtifactStore artifacts;
    private final AttachmentStore attachments;
    private final CredentialStore credentials;
    private final SecretStore secrets;
    private final AuditLog audit;
    private final OneTimeValues oneTimeValues;
    private final TriggerStore triggers;
    private final AutomationStore automations;
    private final ChannelDefaults channelDefaults;
    private final QuestionStore questions;

    private JdbcStore(HikariDataSource dataSource, StoreConfig config, java.time.Clock clock) {
        boolean sqlite = config.isSqlite();
        this.dataSource = dataSource;
        this.dialect = sqlite ? "sqlite" : "postgresql";
        Db db = new Db(Jdbi.create(dataSource), sqlite, clock);
        this.users = new JdbcUsers(db);
        this.identities = new JdbcIdentities(db);
        this.tokens = new JdbcTokens(db);
        this.sessions = new JdbcSessions(db);
        JdbcEvents jdbcEvents = new JdbcEvents(db, config);
        this.events = jdbcEvents;
        this.messages = new JdbcMessages(db, jdbcEvents);
        this.artifacts = new JdbcArtifacts(db);
        this.attachments = new JdbcAttachments(db);
        this.credentials = new JdbcCredentials(db);
        this.secrets = new JdbcSecrets(db);
        this.audit = new JdbcAuditLog(db);
        this.oneTimeValues = new JdbcOneTimeValues(db);
        this.triggers = new JdbcTriggers(db);
        this.automations = new JdbcAutomations(db);
        this.channelDefaults = new JdbcChannelDefaults(db);
        this.questions = new JdbcQuestions(db, jdbcEvents);
    }

    /** Opens the store on the system clock. */
    public static JdbcStore open(StoreConfig config) {
        return open(config, java.time.Clock.systemUTC());
    }

    /** @param clock stamps what the store creates on its own (users' and tokens' creation times) */
    public static JdbcStore open(StoreConfig config, java.time.Clock clock) {
        HikariDataSource dataSource = new HikariDataSource(hikari(config));
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        LOG.info(
                "store ready: {} ({} connections at most)",
                config.isSqlite() ? "sqlite" : "postgresql",
                config.poolSize());
        return new JdbcStore(dataSource, config, clock);
    }

    private static HikariConfig hikari(StoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("nightshift-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setMaximumPoolSize(config.poolSize());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        if (config.isSqlite()) {
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", config.sqliteSynchronous());
            hikari.addDataSourceProperty("foreign_keys", "true");
            hikari.addDataSourceProperty("busy_timeout", "30000");
        } else {
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return hikari;
    }

    @Override
    public UserStore users() {
        return users;
    }

    @Override
    public IdentityStore identities() {
        return identities;
    }

    @Override
    public TokenStore tokens() {
        return tokens;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public MessageStore messages() {
        return messages;
    }

    @Override
    public EventStore events() {
        return events;
    }

    @Override
    public ArtifactStore artifacts() {
        return artifacts;
    }

    @Override
    public AttachmentStore attachments() {
        return attachments;
    }

    @Override
    public CredentialStore credentials() {
        return credentials;
    }

    @Override
    public SecretStore secrets() {
        return secrets;
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    @Override
    public OneTimeValues oneTimeValues() {
        return oneTimeValues;
    }

    @Override
    public TriggerStore triggers() {
        return triggers;
    }

    @Override
    public AutomationStore automations() {
        return automations;
    }

    @Override
    public ChannelDefaults channelDefaults() {
        return channelDefaults;
    }

    @Override
    public QuestionStore questions() {
        return questions;
    }

    @Override
    public String dialect() {
        return dialect;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
