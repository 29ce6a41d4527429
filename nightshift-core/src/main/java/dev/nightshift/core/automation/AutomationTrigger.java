package dev.nightshift.core.automation;

import dev.nightshift.core.model.Wire;
import java.time.Duration;
import java.util.List;

/** What fires an automation: exactly one of a schedule, an inbound webhook, or a signed integration. */
public sealed interface AutomationTrigger {

    /** The trigger's wire name: {@code schedule}, {@code webhook}, {@code signed}. */
    String type();

    /**
     * A 5-field cron expression in a time zone, e.g. {@code 0 7 * * 1-5} in {@code Europe/Paris}.
     *
     * @param timezone an IANA zone id
     */
    record Schedule(String cron, String timezone) implements AutomationTrigger {
        @Override
        public String type() {
            return "schedule";
        }
    }

    /**
     * An inbound webhook called with {@code Authorization: Bearer <key>}.
     *
     * @param conditions all must match the JSON body for the automation to fire
     * @param idempotencyKeyPath a JSONPath into the body whose value dedupes deliveries (empty: only the
     *     {@code Idempotency-Key} header does)
     * @param keyHash the hash of the bearer key; the key itself is shown once, at creation or rotation
     */
    record Webhook(List<Condition> conditions, String idempotencyKeyPath, String keyHash) implements AutomationTrigger {
        public Webhook {
            conditions = List.copyOf(conditions);
            idempotencyKeyPath = idempotencyKeyPath == null ? "" : idempotencyKeyPath;
        }

        @Override
        public String type() {
            return "webhook";
        }
    }

    /**
     * A delivery signed with HMAC-SHA256 over the raw body.
     *
     * @param secretSealed the shared secret (Sentry: the integration's client secret), sealed at rest
     * @param signatureHeader the header carrying the signature (Sentry: {@code Sentry-Hook-Signature})
     * @param timestampHeader a header with the delivery's time, checked against {@code timestampWindow}
     *     (empty: not checked)
     * @param timestampWindow how far the timestamp may be from now ({@link Duration#ZERO}: not checked)
     * @param deliveryIdHeader the header whose value dedupes deliveries (Sentry: {@code Request-ID})
     * @param conditions all must match the JSON body for the automation to fire (may be empty)
     */
    record Signed(
            Preset preset,
            String secretSealed,
            String signatureHeader,
            String timestampHeader,
            Duration timestampWindow,
            String deliveryIdHeader,
            List<Condition> conditions)
            implements AutomationTrigger {
        public Signed {
            conditions = List.copyOf(conditions);
            timestampHeader = timestampHeader == null ? "" : timestampHeader;
            timestampWindow = timestampWindow == null ? Duration.ZERO : timestampWindow;
            deliveryIdHeader = deliveryIdHeader == null ? "" : deliveryIdHeader;
        }

        @Override
        public String type() {
            return "signed";
        }

        /** Whose signature format and payloads a signed trigger reads. */
        public enum Preset {
            /** Sentry's integration webhooks: {@code Sentry-Hook-Signature} = hex HMAC of the body. */
            SENTRY,
            /** Any sender: a named header in the {@code sha256=<hex>} format. */
            GENERIC;

            public String wire() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }

            public static Preset fromWire(String value) {
                return Wire.parse(Preset.class, value);
            }
        }
    }

    /**
     * One test on a JSON body, e.g. {@code {"path":"$.level","op":"eq","value":"error"}}.
     *
     * @param path a JSONPath
     * @param valueJson the value compared with, as JSON text ({@code "error"}, {@code 5}, {@code true});
     *     for {@link Op#EXISTS} {@code true} or {@code false}
     */
    record Condition(String path, Op op, String valueJson) {
        /** The comparisons a condition makes. */
        public enum Op {
            EQ,
            NEQ,
            GT,
            GTE,
            LT,
            LTE,
            CONTAINS,
            EXISTS;

            public String wire() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }

            public static Op fromWire(String value) {
                return Wire.parse(Op.class, value);
            }
        }
    }
}
