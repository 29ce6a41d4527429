package dev.nightshift.core.port;

/**
 * The durable state of a control plane. One implementation per database; every implementation
 * passes the same contract tests.
 */
public interface Store extends AutoCloseable {
    UserStore users();

    IdentityStore identities();

    TokenStore tokens();

    SessionStore sessions();

    MessageStore messages();

    EventStore events();

    ArtifactStore artifacts();

    /** Prompts' attachments (the rows; their bytes are in a {@link BlobStore}). */
    AttachmentStore attachments();

    CredentialStore credentials();

    /** The vault's secrets (values sealed). */
    SecretStore secrets();

    AuditLog audit();

    OneTimeValues oneTimeValues();

    /** The durable records of external starts (schedules, webhooks, chat and tracker integrations). */
    TriggerStore triggers();

    /** Automations (schedules, webhooks, signed integrations) and their runs. */
    AutomationStore automations();

    /** Each chat channel's default repository. */
    ChannelDefaults channelDefaults();

    /** The questions and plans that turns wait on. */
    QuestionStore questions();

    /** Which database this is, for logs and metrics ("sqlite", "postgresql"). */
    String dialect();

    @Override
    void close();
}
