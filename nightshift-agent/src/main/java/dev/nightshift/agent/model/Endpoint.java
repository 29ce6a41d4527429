package dev.nightshift.agent.model;

/**
 * Where one provider is reached and with which key, plus the variables that set them (named in
 * errors so users know what to change).
 */
record Endpoint(
        String provider,
        String baseUrl,
        String apiKey,
        String baseUrlVariable,
        String apiKeyVariable,
        boolean keyRequired) {

    static Endpoint of(GatewayConfig config, String provider) {
        return switch (provider) {
            case "anthropic" ->
                new Endpoint(
                        provider,
                        config.anthropicBaseUrl(),
                        config.anthropicApiKey(),
                        GatewayConfig.ANTHROPIC_BASE_URL,
                        GatewayConfig.ANTHROPIC_API_KEY,
                        true);
            case "openai" ->
                new Endpoint(
                        provider,
                        config.openAiBaseUrl(),
                        config.openAiApiKey(),
                        GatewayConfig.OPENAI_BASE_URL,
                        GatewayConfig.OPENAI_API_KEY,
                        true);
            case "openai-compatible" ->
                new Endpoint(
                        provider,
                        config.openAiCompatibleBaseUrl(),
                        config.openAiCompatibleApiKey(),
                        GatewayConfig.OPENAI_COMPATIBLE_BASE_URL,
                        GatewayConfig.OPENAI_COMPATIBLE_API_KEY,
                        false);
            case "ollama" ->
                new Endpoint(provider, config.ollamaBaseUrl(), null, GatewayConfig.OLLAMA_BASE_URL, null, false);
            default ->
                throw new IllegalArgumentException(
                        "unknown model provider '" + provider + "'; known: " + ModelRef.PROVIDERS);
        };
    }

    /** What is missing to call a model of this provider, or null when nothing is. */
    String missing(ModelRef model) {
        if (baseUrl == null) {
            return "model " + model + " needs " + baseUrlVariable
                    + " (the server's URL, e.g. http://127.0.0.1:8000/v1)";
        }
        if (keyRequired && apiKey == null) {
            return "model " + model + " needs " + apiKeyVariable + " (the provider's API key)";
        }
        return null;
    }

    /** What a user can check when the provider refuses the key. */
    String keyHint() {
        return apiKeyVariable == null ? "check the server's authentication settings" : "check " + apiKeyVariable;
    }

    @Override
    public String toString() {
        return "Endpoint[" + provider + " at " + baseUrl + ", key " + (apiKey == null ? "unset" : "set") + "]";
    }
}
