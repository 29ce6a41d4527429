package dev.nightshift.agent.model;

import java.util.Set;

/**
 * A model as operators name it: {@code provider/model}, e.g. {@code anthropic/claude-sonnet-4-5},
 * {@code openai/gpt-5}, {@code openai-compatible/qwen2.5-coder}, {@code ollama/llama3.1}.
 */
public record ModelRef(String provider, String name) {
    public static final Set<String> PROVIDERS = Set.of("anthropic", "openai", "openai-compatible", "ollama");

    public static ModelRef parse(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a model id is required, such as openai-compatible/<model>");
        }
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            throw new IllegalArgumentException(
                    "a model id looks like provider/model (providers: " + PROVIDERS + "), got '" + id + "'");
        }
        String provider = id.substring(0, slash).trim();
        if (!PROVIDERS.contains(provider)) {
            throw new IllegalArgumentException("unknown model provider '" + provider + "'; known: " + PROVIDERS);
        }
        return new ModelRef(provider, id.substring(slash + 1).trim());
    }

    @Override
    public String toString() {
        return provider + "/" + name;
    }
}
