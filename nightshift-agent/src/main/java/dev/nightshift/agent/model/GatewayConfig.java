package dev.nightshift.agent.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model gateway's settings, read from environment-style variables ({@link #from(Map)}). Every
 * default is defined here once. Unset or blank variables take their default; malformed values are
 * refused with an {@link IllegalArgumentException} naming the variable and what it expects.
 *
 * @param defaultModel {@code NIGHTSHIFT_MODEL}; null when none is configured
 * @param fallbackModels {@code NIGHTSHIFT_FALLBACK_MODELS}, in the order they are tried
 * @param anthropicApiKey {@code ANTHROPIC_API_KEY}; null when unset
 * @param anthropicBaseUrl {@code ANTHROPIC_BASE_URL}, normalised to end in {@code /v1}
 * @param openAiApiKey {@code OPENAI_API_KEY}; null when unset
 * @param openAiBaseUrl {@code OPENAI_BASE_URL}
 * @param openAiCompatibleBaseUrl {@code OPENAI_COMPATIBLE_BASE_URL}; null when unset
 * @param openAiCompatibleApiKey {@code OPENAI_COMPATIBLE_API_KEY}; null when unset
 * @param ollamaBaseUrl {@code OLLAMA_BASE_URL}
 * @param timeout {@code NIGHTSHIFT_MODEL_TIMEOUT}: the longest a provider may stay silent (no byte
 *     received, from connecting to the end of the stream) before the call counts as timed out
 * @param maxRetries {@code NIGHTSHIFT_MODEL_MAX_RETRIES}: further tries of the same model after a
 *     transient failure, before moving to the next fallback
 * @param prices {@code NIGHTSHIFT_MODEL_PRICES}, keyed by model id ({@code provider/model})
 * @param visionModels {@code NIGHTSHIFT_VISION_MODELS}: the models that are sent prompts' images, as
 *     {@code provider/model} patterns where {@code *} stands for anything; by default every Anthropic and
 *     OpenAI model (each provider's current models all take images) and no other, since what an
 *     OpenAI-compatible server or Ollama runs is unknown. Other models get each image described in
 *     words (its name, size and place in the workspace).
 */
public record GatewayConfig(
        ModelRef defaultModel,
        List<ModelRef> fallbackModels,
        String anthropicApiKey,
        String anthropicBaseUrl,
        String openAiApiKey,
        String openAiBaseUrl,
        String openAiCompatibleBaseUrl,
        String openAiCompatibleApiKey,
        String ollamaBaseUrl,
        Duration timeout,
        int maxRetries,
        Map<String, Price> prices,
        List<String> visionModels) {

    public static final String MODEL = "NIGHTSHIFT_MODEL";
    public static final String FALLBACK_MODELS = "NIGHTSHIFT_FALLBACK_MODELS";
    public static final String MODEL_TIMEOUT = "NIGHTSHIFT_MODEL_TIMEOUT";
    public static final String MODEL_MAX_RETRIES = "NIGHTSHIFT_MODEL_MAX_RETRIES";
    public static final String MODEL_PRICES = "NIGHTSHIFT_MODEL_PRICES";
    public static final String VISION_MODELS = "NIGHTSHIFT_VISION_MODELS";
    public static final String DEFAULT_VISION_MODELS = "anthropic/*,openai/*";
    public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
    public static final String ANTHROPIC_BASE_URL = "ANTHROPIC_BASE_URL";
    public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
    public static final String OPENAI_BASE_URL = "OPENAI_BASE_URL";
    public static final String OPENAI_COMPATIBLE_BASE_URL = "OPENAI_COMPATIBLE_BASE_URL";
    public static final String OPENAI_COMPATIBLE_API_KEY = "OPENAI_COMPATIBLE_API_KEY";
    public static final String OLLAMA_BASE_URL = "OLLAMA_BASE_URL";

    public static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1";
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_OLLAMA_BASE_URL = "http://127.0.0.1:11434/v1";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_RETRIES = 2;
    /** Retries are bounded so a typo cannot turn one step into hours of waiting. */
    public static final int MAX_MAX_RETRIES = 10;

    /** USD per million tokens: uncached input, cached input, output. */
    public record Price(double inputPerMillion, double cachedInputPerMillion, double outputPerMillion) {
        public Price {
            if (inputPerMillion < 0 || cachedInputPerMillion < 0 || outputPerMillion < 0) {
                throw new IllegalArgumentException("prices cannot be negative");
            }
        }
    }

    public GatewayConfig {
        fallbackModels = List.copyOf(fallbackModels);
        prices = Map.copyOf(prices);
        visionModels = List.copyOf(visionModels);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(MODEL_TIMEOUT + " must be a positive duration, got " + timeout);
        }
        if (maxRetries < 0 || maxRetries > MAX_MAX_RETRIES) {
            throw new IllegalArgumentException(
                    MODEL_MAX_RETRIES + " must be between 0 and " + MAX_MAX_RETRIES + ", got " + maxRetries);
        }
    }

    /** No model, every other setting at its default. */
    public static GatewayConfig defaults() {
        return from(Map.of());
    }

    /** Reads the process environment. */
    public static GatewayConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from environment-style variables; absent or blank ones take their defaults. */
    public static GatewayConfig from(Map<String, String> env) {
        ModelRef model = optional(env, MODEL) == null ? null : modelRef(MODEL, optional(env, MODEL));
        List<ModelRef> fallbacks = new ArrayList<>();
        String fallbackList = optional(env, FALLBACK_MODELS);
        if (fallbackList != null) {
            for (String id : fallbackList.split(",")) {
                if (!id.isBlank()) {
                    fallbacks.add(modelRef(FALLBACK_MODELS, id.trim()));
                }
            }
        }
        return new GatewayConfig(
                model,
                fallbacks,
                optional(env, ANTHROPIC_API_KEY),
                anthropicUrl(url(env, ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_BASE_URL)),
                optional(env, OPENAI_API_KEY),
                url(env, OPENAI_BASE_URL, DEFAULT_OPENAI_BASE_URL),
                url(env, OPENAI_COMPATIBLE_BASE_URL, null),
                optional(env, OPENAI_COMPATIBLE_API_KEY),
                url(env, OLLAMA_BASE_URL, DEFAULT_OLLAMA_BASE_URL),
                optional(env, MODEL_TIMEOUT) == null
                        ? DEFAULT_TIMEOUT
                        : duration(MODEL_TIMEOUT, optional(env, MODEL_TIMEOUT)),
                optional(env, MODEL_MAX_RETRIES) == null
                        ? DEFAULT_MAX_RETRIES
                        : integer(MODEL_MAX_RETRIES, optional(env, MODEL_MAX_RETRIES)),
                optional(env, MODEL_PRICES) == null ? Map.of() : prices(optional(env, MODEL_PRICES)),
                visionModels(
                        optional(env, VISION_MODELS) == null ? DEFAULT_VISION_MODELS : optional(env, VISION_MODELS)));
    }

    /** Whether {@code model} is sent images ({@link #visionModels}). */
    public boolean vision(ModelRef model) {
        String id = model.toString();
        return visionModels.stream().anyMatch(pattern -> matches(pattern, id));
    }

    private static boolean matches(String pattern, String id) {
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            regex.append(".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.matches(regex.toString(), id);
    }

    /** Parses {@code NIGHTSHIFT_VISION_MODELS}: {@code provider/model} patterns, comma-separated, or {@code none}. */
    static List<String> visionModels(String value) {
        if (value.strip().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> patterns = new ArrayList<>();
        for (String entry : value.split(",")) {
            String pattern = entry.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            int slash = pattern.indexOf('/');
            String provider = slash < 0 ? pattern : pattern.substring(0, slash);
            if (slash <= 0
                    || slash == pattern.length() - 1
                    || !(ModelRef.PROVIDERS.contains(provider) || provider.equals("*"))) {
                throw new IllegalArgumentException(VISION_MODELS + " entries look like provider/model, where * stands "
                        + "for anything (anthropic/*, ollama/llava*), or the whole value is none; got '" + pattern
                        + "' (providers: " + ModelRef.PROVIDERS + ")");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    /** The models one call tries, in order: the requested one, then each fallback not already tried. */
    public List<ModelRef> chainFor(ModelRef requested) {
        List<ModelRef> chain = new ArrayList<>();
        chain.add(requested);
        for (ModelRef fallback : fallbackModels) {
            if (!chain.contains(fallback)) {
                chain.add(fallback);
            }
        }
        return List.copyOf(chain);
    }

    /** Parses {@code NIGHTSHIFT_MODEL_PRICES}: {@code provider/model=input:cached:output,…} in USD per million tokens. */
    static Map<String, Price> prices(String value) {
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        MODEL_PRICES + " entries look like provider/model=input:cached:output "
                                + "(USD per million tokens), got '" + entry.trim() + "'");
            }
            ModelRef model = modelRef(MODEL_PRICES, entry.substring(0, eq).trim());
            String[] parts = entry.substring(eq + 1).trim().split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException(MODEL_PRICES + ": the price of " + model
                        + " must be input:cached:output (USD per million tokens), got '"
                        + entry.substring(eq + 1).trim() + "'");
            }
            try {
                prices.put(
                        model.toString(),
                        new Price(
                                Double.parseDouble(parts[0].trim()),
                                Double.parseDouble(parts[1].trim()),
                                Double.parseDouble(parts[2].trim())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        MODEL_PRICES + ": the price of " + model
                                + " must be three non-negative numbers input:cached:output, got '"
                                + entry.substring(eq + 1).trim()
                                + "'",
                        e);
            }
        }
        return prices;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    /** {@code 120}, {@code 120s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT2M}). */
    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = DURATION.matcher(v);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            d = Duration.ofMillis(Math.round(millis));
        } else {
            try {
                d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        name + " must be a duration such as 120s, 500ms or 2m, got '" + value + "'");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got '" + value + "'");
        }
        return d;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static ModelRef modelRef(String name, String id) {
        try {
            return ModelRef.parse(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static String optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String url(Map<String, String> env, String name, String fallback) {
        String value = optional(env, name);
        if (value == null) {
            return fallback;
        }
        if (!value.startsWith("http://") && !value.startsWith("https://")) {
            throw new IllegalArgumentException(name + " must be an http:// or https:// URL, got '" + value + "'");
        }
        try {
            java.net.URI.create(value).toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException(name + " is not a valid URL: '" + value + "'", e);
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /**
     * Anthropic's SDKs take the base URL without {@code /v1} ({@code https://api.anthropic.com}) and add
     * it themselves; accept both spellings.
     */
    private static String anthropicUrl(String url) {
        return url.endsWith("/v1") ? url : url + "/v1";
    }

    @Override
    public String toString() {
        // keys stay out of logs
        return "GatewayConfig[defaultModel=" + defaultModel + ", fallbackModels=" + fallbackModels
                + ", anthropicApiKey="
                + mask(anthropicApiKey) + ", anthropicBaseUrl=" + anthropicBaseUrl + ", openAiApiKey="
                + mask(openAiApiKey)
                + ", openAiBaseUrl=" + openAiBaseUrl + ", openAiCompatibleBaseUrl=" + openAiCompatibleBaseUrl
                + ", openAiCompatibleApiKey=" + mask(openAiCompatibleApiKey) + ", ollamaBaseUrl=" + ollamaBaseUrl
                + ", timeout=" + timeout + ", maxRetries=" + maxRetries + ", prices=" + prices + ", visionModels="
                + visionModels + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "unset" : "set";
    }
}
