package dev.nightshift.server.secret;

import dev.nightshift.core.Ids;
import dev.nightshift.core.model.Session;
import dev.nightshift.core.policy.SecretRules;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.secret.Delivery;
import dev.nightshift.core.secret.EgressSecret;
import dev.nightshift.core.secret.SessionSecrets;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vault: secrets stored sealed with the deployment's {@link SecretBox} (scope and name bound
 * as associated data), checked by {@link SecretRules} before anything is written. Values go in
 * through {@link #create} and {@link #update} and come out only through {@link #resolve} (for the
 * egress proxy and the sandbox), {@link #mcpCredential} (for the control plane's calls to MCP
 * servers) and {@link #openAll} (for scans); nothing else opens them.
 * Thread-safe; every method reads or writes the store, so call it off the event loop.
 */
public final class Vault {
    /** The purpose the placeholder salt is derived from the sealing key under. */
    static final String PLACEHOLDER_PURPOSE = "nightshift placeholder salt v1";

    private final Store store;
    private final SecretBox box;
    private final Clock clock;
    private final byte[] salt;

    public Vault(Store store, SecretBox box, Clock clock) {
        this.store = store;
        this.box = box;
        this.clock = clock;
        this.salt = box.derive(PLACEHOLDER_PURPOSE);
    }

    /** Where a secret applies: the kind and its key (repository pattern, user id, or empty). */
    public record Scope(StoredSecret.Kind kind, String key) {
        public static final Scope DEPLOYMENT = new Scope(StoredSecret.Kind.DEPLOYMENT, "");

        public Scope {
            key = key == null ? "" : key;
        }
    }

    /**
     * Checks and stores a new secret.
     *
     * @throws ApiException 400 naming the broken rule, 409 when the scope has a secret of that name;
     *     nothing is stored then
     */
    public StoredSecret create(Scope scope, SecretRules.Draft request, String actorId) {
        SecretRules.Draft draft = SecretRules.normalise(request);
        if (draft.value() == null) {
            SecretRules.checkValue(null, draft.delivery()).ifPresent(rule -> {
                throw ApiException.badRequest(rule);
            });
        }
        refuseBroken(draft);
        if (scope.kind() == StoredSecret.Kind.REPOSITORY) {
            SecretRules.checkRepositoryPattern(scope.key()).ifPresent(rule -> {
                throw ApiException.badRequest(rule);
            });
        }
        Instant now = now();
        String sealed = box.seal(draft.value(), StoredSecret.sealContext(scope.kind(), scope.key(), draft.name()));
        StoredSecret secret = new StoredSecret(
                Ids.newId("sec"),
                draft.name(),
                draft.delivery(),
                draft.hosts(),
                draft.methods(),
                draft.pathPrefixes(),
                draft.headers(),
                draft.queryParams(),
                scope.kind(),
                scope.key(),
                sealed,
                actorId,
                now,
                actorId,
                now,
                1);
        return store.secrets()
                .create(secret)
                .orElseThrow(() -> ApiException.conflict("a " + scope.kind().wire() + " secret named '" + draft.name()
                        + "' exists already" + (scope.key().isEmpty() ? "" : " for " + describe(scope))
                        + "; change it with PUT /api/secrets/{id} or delete it first"));
    }

    /**
     * Changes a secret: a new value (rotation) and/or new delivery, hosts and the rest; what
     * {@code changes} leaves null stays. Writes only over {@code expectedVersion} (the one the
     * caller read, or the current one when null).
     *
     * @throws ApiException 404 when it is gone, 400 for a broken rule, 409 when it changed meanwhile
     */
    public StoredSecret update(String id, Long expectedVersion, Change changes, String actorId) {
        StoredSecret current = find(id).orElseThrow(() -> notFound(id));
        if (current.delivery() == Delivery.GIT) {
            throw ApiException.conflict("this is a git credential: replace it with PUT /api/me/credentials/"
                    + current.hosts().getFirst());
        }
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw stale(current);
        }
        Delivery delivery = changes.delivery() == null ? current.delivery() : changes.delivery();
        SecretRules.Draft draft = SecretRules.normalise(new SecretRules.Draft(
                current.name(),
                changes.value(),
                delivery,
                or(changes.hosts(), current.hosts()),
                or(changes.methods(), current.methods()),
                or(changes.pathPrefixes(), current.pathPrefixes()),
                or(changes.headers(), current.headers()),
                or(changes.queryParams(), current.queryParams())));
        refuseBroken(draft);
        String sealed = current.valueSealed();
        if (draft.value() != null) {
            sealed = box.seal(draft.value(), current.sealContext());
        } else if (inHeaders(delivery) && !inHeaders(current.delivery())) {
            // a value stored for setup or env may hold line breaks a value sent in headers may not
            SecretRules.checkValue(box.open(current.valueSealed(), current.sealContext()), delivery)
                    .ifPresent(rule -> {
                        throw ApiException.badRequest(rule);
                    });
        }
        StoredSecret updated = new StoredSecret(
                current.id(),
                current.name(),
                draft.delivery(),
                draft.hosts(),
                draft.methods(),
                draft.pathPrefixes(),
                draft.headers(),
                draft.queryParams(),
                current.scope(),
                current.scopeKey(),
                sealed,
                current.createdBy(),
                current.createdAt(),
                actorId,
                now(),
                current.version());
        if (!store.secrets().replaceIfVersion(updated, current.version())) {
            throw stale(current);
        }
        return find(id).orElseThrow(() -> notFound(id));
    }

    /** What an update may change; null leaves a field as it is. */
    public record Change(
            String value,
            Delivery delivery,
            List<String> hosts,
            List<String> methods,
            List<String> pathPrefixes,
            List<String> headers,
            List<String> queryParams) {}

    public boolean delete(String id) {
        return store.secrets().delete(id);
    }

    public Optional<StoredSecret> find(String id) {
        return store.secrets().find(id);
    }

    public List<StoredSecret> list() {
        return store.secrets().list();
    }

    /**
     * The secrets {@code session} gets, opened: the deployment's, its repository's, its creator's
     * (see {@link SecretRules#applicable}), each egress one with its placeholder for this session.
     * The only place values leave the vault for a sandbox; the caller hands them to the egress
     * proxy and the sandbox's environment and keeps them out of logs.
     */
    public SessionSecrets resolve(Session session) {
        List<EgressSecret> egress = new ArrayList<>();
        Map<String, String> setup = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (StoredSecret s : SecretRules.applicable(list(), session.repository(), session.creatorId())) {
            String value = box.open(s.valueSealed(), s.sealContext());
            switch (s.delivery()) {
                case EGRESS ->
                    egress.add(new EgressSecret(
                            s.name(),
                            placeholder(session.id(), s.id()),
                            value,
                            s.hosts(),
                            s.methods(),
                            s.pathPrefixes(),
                            s.headers(),
                            s.queryParams()));
                case SETUP -> setup.put(s.name(), value);
                case ENV -> env.put(s.name(), value);
                case GIT -> {} // never given to a sandbox (applicable() leaves them out already)
            }
        }
        return new SessionSecrets(egress, setup, env);
    }

    /**
     * The value of the MCP credential {@code name} ({@link Delivery#MCP}) for a call the control
     * plane makes to {@code host} for {@code session}'s agent: the most specific such secret that
     * applies to the session (see {@link SecretRules#mcpCredential}), opened only if the secret
     * lists that host. The value goes into that one request's header and nowhere else.
     *
     * @throws IllegalStateException when none applies or it may not go to {@code host}: the message
     *     says which and what to do, and never holds the value
     */
    public String mcpCredential(Session session, String name, String host) {
        StoredSecret s = SecretRules.mcpCredential(list(), name, session.repository(), session.creatorId())
                .orElseThrow(() -> new IllegalStateException("no mcp secret named " + name
                        + " applies to this session: store one with delivery mcp and host " + host
                        + " (for the deployment, this repository or its creator)"));
        if (!SecretRules.hostAllowed(s.hosts(), host)) {
            throw new IllegalStateException("the mcp secret " + name + " may be sent only to " + s.hosts() + ", not to "
                    + host + ": add the host to the secret if it belongs to this server");
        }
        return box.open(s.valueSealed(), s.sealContext());
    }

    private static boolean inHeaders(Delivery delivery) {
        return delivery == Delivery.EGRESS || delivery == Delivery.MCP;
    }

    /** The placeholder standing for a secret inside one session's sandbox. */
    public String placeholder(String sessionId, String secretId) {
        return SecretRules.placeholder(salt, sessionId, secretId);
    }

    /** Every value the vault holds, opened: for scans that prove none reaches a sandbox or a log. */
    public List<String> openAll() {
        // a git credential stays sealed for its person and host, as it was before it joined the vault
        return list().stream()
                .map(s -> box.open(
                        s.valueSealed(),
                        s.delivery() == Delivery.GIT
                                ? dev.nightshift.server.git.GitCredentials.context(
                                        s.scopeKey(), s.hosts().getFirst())
                                : s.sealContext()))
                .toList();
    }

    static String describe(Scope scope) {
        return switch (scope.kind()) {
            case DEPLOYMENT -> "the deployment";
            case REPOSITORY -> "repositories matching " + scope.key();
            case USER -> "user " + scope.key();
        };
    }

    private static void refuseBroken(SecretRules.Draft draft) {
        SecretRules.check(draft).ifPresent(rule -> {
            throw ApiException.badRequest(rule);
        });
    }

    private static <T> List<T> or(List<T> given, List<T> current) {
        return given == null ? current : given;
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("no secret '" + id + "'; list them with GET /api/secrets");
    }

    private static ApiException stale(StoredSecret current) {
        return ApiException.conflict("the secret '" + current.name() + "' was changed meanwhile (it is at version "
                + current.version() + "); read it again and repeat the change with that version");
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
