package dev.nightshift.server;

import dev.nightshift.core.policy.Limits;
import dev.nightshift.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Duration turnLease) {

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
        return from(merged);
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
        return new NightshiftConfig(bind, port, dataDir, blankToNull(value(values, Setting.PUBLIC_URL)), store,
                limits, duration(values, Setting.TURN_LEASE));
    }

    public NightshiftConfig withPort(int newPort) {
        return new NightshiftConfig(bind, newPort, dataDir, publicUrl, store, limits, turnLease);
    }

    public NightshiftConfig withLimits(Limits newLimits) {
        return new NightshiftConfig(bind, port, dataDir, publicUrl, store, newLimits, turnLease);
    }

    public NightshiftConfig withTurnLease(Duration lease) {
        return new NightshiftConfig(bind, port, dataDir, publicUrl, store, limits, lease);
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

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** Durations as a number and a unit: {@code 250ms}, {@code 30s}, {@code 15m}, {@code 1h}, {@code 7d}. */
    static Duration parseDuration(String name, String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    name + " must be a number and a unit (ms, s, m, h, d) such as 30s or 1h, got '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
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
