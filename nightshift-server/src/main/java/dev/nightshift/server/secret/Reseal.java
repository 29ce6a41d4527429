package dev.nightshift.server.secret;

import dev.nightshift.core.automation.Automation;
import dev.nightshift.core.automation.AutomationTrigger;
import dev.nightshift.core.model.Credential;
import dev.nightshift.core.port.Store;
import dev.nightshift.core.secret.StoredSecret;
import dev.nightshift.server.git.GitCredentials;
import dev.nightshift.server.git.SecretBox;
import dev.nightshift.server.trigger.AutomationSealer;
import java.nio.file.Path;

/**
 * Key rotation: re-seals everything sealed with the old secret key (vault secrets, git
 * credentials and the Linear installation's tokens, signed automations' shared secrets, the egress CA's key) with the new one. Run with the server stopped; it is safe to
 * run again after a failure, because a value that already opens with the new key is left alone.
 * Runs on the calling thread.
 */
public final class Reseal {
    private Reseal() {}

    /** How many values were re-sealed (values already sealed with the new key are not counted). */
    public record Result(int secrets, int credentials, int automations, boolean caKey) {}

    /** Re-seals every sealed value in {@code store} and {@code dataDir} from {@code from} to {@code to}. */
    public static Result run(Store store, Path dataDir, SecretBox from, SecretBox to) {
        int secrets = 0;
        for (StoredSecret s : store.secrets().list()) {
            if (s.delivery() == dev.nightshift.core.secret.Delivery.GIT) {
                continue; // git credentials are sealed for their person and host: re-sealed below
            }
            if (to.opens(s.valueSealed(), s.sealContext())) {
                continue;
            }
            String sealed = to.seal(from.open(s.valueSealed(), s.sealContext()), s.sealContext());
            if (!store.secrets().replaceIfVersion(s.withValueSealed(sealed), s.version())) {
                throw new IllegalStateException(
                        "the secret " + s.name() + " changed while re-sealing: stop the server and run reseal again");
            }
            secrets++;
        }
        int credentials = 0;
        // people's git credentials, and the deployment's own (its Linear installation), which no user owns
        java.util.Set<String> owners = new java.util.LinkedHashSet<>();
        store.users().list().forEach(user -> owners.add(user.id()));
        store.secrets().list().stream()
                .filter(s -> s.delivery() == dev.nightshift.core.secret.Delivery.GIT)
                .forEach(s -> owners.add(s.scopeKey()));
        for (String owner : owners) {
            for (Credential c : store.credentials().list(owner)) {
                String context = GitCredentials.context(c.userId(), c.host());
                if (to.opens(c.secretSealed(), context)) {
                    continue;
                }
                String refresh =
                        c.refreshSealed() == null ? null : to.seal(from.open(c.refreshSealed(), context), context);
                if (!store.credentials()
                        .replaceIfVersion(
                                c.id(),
                                c.version(),
                                to.seal(from.open(c.secretSealed(), context), context),
                                refresh,
                                c.expiresAt(),
                                c.refreshExpiresAt(),
                                c.updatedAt())) {
                    throw new IllegalStateException("the credential of " + owner + " for " + c.host()
                            + " changed while re-sealing: stop the server and run reseal again");
                }
                credentials++;
            }
        }
        int automations = 0;
        for (Automation a : store.automations().list(null)) {
            if (!(a.trigger() instanceof AutomationTrigger.Signed signed)) {
                continue;
            }
            String context = AutomationSealer.context(a.id());
            if (to.opens(signed.secretSealed(), context)) {
                continue;
            }
            AutomationTrigger.Signed resealed = new AutomationTrigger.Signed(
                    signed.preset(),
                    to.seal(from.open(signed.secretSealed(), context), context),
                    signed.signatureHeader(),
                    signed.timestampHeader(),
                    signed.timestampWindow(),
                    signed.deliveryIdHeader(),
                    signed.conditions());
            Automation updated = new Automation(
                    a.id(),
                    a.name(),
                    a.repository(),
                    a.baseBranch(),
                    a.promptTemplate(),
                    a.model(),
                    a.ownerId(),
                    resealed,
                    a.paused(),
                    a.pausedReason(),
                    a.createdAt(),
                    a.updatedAt(),
                    a.version());
            if (!store.automations().replaceIfVersion(updated, a.version())) {
                throw new IllegalStateException("the automation " + a.name()
                        + " changed while re-sealing: stop the server and run reseal again");
            }
            automations++;
        }
        boolean caKey = EgressCaStore.reseal(dataDir, from, to);
        return new Result(secrets, credentials, automations, caKey);
    }
}
