package dev.nightshift.server.trigger;

import dev.nightshift.server.git.SecretBox;
import dev.nightshift.triggers.AutomationService;

/**
 * Seals a signed automation's shared secret with the deployment's secret key, bound to the
 * automation: a sealed value copied to another automation does not open. Thread-safe.
 */
public final class AutomationSealer implements AutomationService.Sealer {
    private final SecretBox box;

    public AutomationSealer(SecretBox box) {
        this.box = box;
    }

    /** What a signed automation's secret is sealed for: its own id. */
    public static String context(String automationId) {
        return "automation:" + automationId;
    }

    @Override
    public String seal(String plaintext, String automationId) {
        return box.seal(plaintext, context(automationId));
    }

    @Override
    public String open(String sealed, String automationId) {
        return box.open(sealed, context(automationId));
    }
}
