package dev.nightshift.agent.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.from(Map.of());
        assertThat(c.defaultModel()).isNull();
        assertThat(c.fallbackModels()).isEmpty();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.maxRetries()).isEqualTo(2);
        assertThat(c.anthropicBaseUrl()).isEqualTo("https://api.anthropic.com/v1");
        assertThat(c.openAiBaseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(c.ollamaBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(c.openAiCompatibleBaseUrl()).isNull();
        assertThat(c.prices()).isEmpty();
    }

    @Test
    void readsEverySetting() {
        GatewayConfig c = GatewayConfig.from(Map.ofEntries(
                Map.entry("NIGHTSHIFT_MODEL", "anthropic/claude-sonnet-4-5"),
                Map.entry("NIGHTSHIFT_FALLBACK_MODELS", "openai/gpt-5, ollama/llama3.1,,"),
                Map.entry("ANTHROPIC_API_KEY", "sk-ant-secret"),
                Map.entry("ANTHROPIC_BASE_URL", "https://proxy.example/anthropic/"),
                Map.entry("OPENAI_API_KEY", "sk-openai-secret"),
                Map.entry("OPENAI_BASE_URL", "https://openai.example/v1/"),
                Map.entry("OPENAI_COMPATIBLE_BASE_URL", "http://vllm:8000/v1"),
                Map.entry("OPENAI_COMPATIBLE_API_KEY", "sk-compat-secret"),
                Map.entry("OLLAMA_BASE_URL", "http://gpu-box:11434/v1"),
                Map.entry("NIGHTSHIFT_MODEL_TIMEOUT", "45s"),
                Map.entry("NIGHTSHIFT_MODEL_MAX_RETRIES", "0"),
                Map.entry(
                        "NIGHTSHIFT_MODEL_PRICES", "openai/gpt-5=1.25:0.125:10,anthropic/claude-sonnet-4-5=3:0.3:15")));
        assertThat(c.defaultModel()).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4-5"));
        assertThat(c.fallbackModels())
                .containsExactly(ModelRef.parse("openai/gpt-5"), ModelRef.parse("ollama/llama3.1"));
        assertThat(c.anthropicBaseUrl()).isEqualTo("https://proxy.example/anthropic/v1");
        assertThat(c.openAiBaseUrl()).isEqualTo("https://openai.example/v1");
        assertThat(c.openAiCompatibleBaseUrl()).isEqualTo("http://vllm:8000/v1");
        assertThat(c.ollamaBaseUrl()).isEqualTo("http://gpu-box:11434/v1");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.maxRetries()).isZero();
        assertThat(c.prices())
                .containsEntry("openai/gpt-5", new GatewayConfig.Price(1.25, 0.125, 10))
                .containsEntry("anthropic/claude-sonnet-4-5", new GatewayConfig.Price(3, 0.3, 15));
        assertThat(c.toString()).doesNotContain("secret").contains("anthropicApiKey=set");
    }

    @Test
    void anthropicAndOpenAiModelsSeeImagesByDefaultAndTheSettingSaysWhichOthersDo() {
        GatewayConfig defaults = GatewayConfig.from(Map.of());
        assertThat(defaults.vision(ModelRef.parse("anthropic/claude-sonnet-4-5")))
                .isTrue();
        assertThat(defaults.vision(ModelRef.parse("openai/gpt-5"))).isTrue();
        assertThat(defaults.vision(ModelRef.parse("openai-compatible/qwen2.5-coder")))
                .isFalse();
        assertThat(defaults.vision(ModelRef.parse("ollama/llava"))).isFalse();

        GatewayConfig listed = GatewayConfig.from(
                Map.of("NIGHTSHIFT_VISION_MODELS", "anthropic/*, ollama/llava*,openai-compatible/qwen2.5-vl"));
        assertThat(listed.vision(ModelRef.parse("ollama/llava:13b"))).isTrue();
        assertThat(listed.vision(ModelRef.parse("ollama/llama3.1"))).isFalse();
        assertThat(listed.vision(ModelRef.parse("openai-compatible/qwen2.5-vl")))
                .isTrue();
        assertThat(listed.vision(ModelRef.parse("openai-compatible/qwen2.5-vl-72b")))
                .isFalse();
        assertThat(listed.vision(ModelRef.parse("openai/gpt-5"))).isFalse(); // the list replaces the default

        GatewayConfig none = GatewayConfig.from(Map.of("NIGHTSHIFT_VISION_MODELS", "none"));
        assertThat(none.vision(ModelRef.parse("anthropic/claude-sonnet-4-5"))).isFalse();
        assertThat(GatewayConfig.from(Map.of("NIGHTSHIFT_VISION_MODELS", "*/*"))
                        .vision(ModelRef.parse("ollama/anything")))
                .isTrue();
        assertRefused("NIGHTSHIFT_VISION_MODELS", "gpt-4o", "provider/model", "gpt-4o");
        assertRefused("NIGHTSHIFT_VISION_MODELS", "mistral/pixtral", "provider/model", "mistral/pixtral");
    }

    @Test
    void anthropicBaseUrlMayCarryV1OrNot() {
        assertThat(GatewayConfig.from(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/v1"))
                        .anthropicBaseUrl())
                .isEqualTo("http://127.0.0.1:9/v1");
        assertThat(GatewayConfig.from(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"))
                        .anthropicBaseUrl())
                .isEqualTo("http://127.0.0.1:9/v1");
    }

    @Test
    void durations() {
        assertThat(GatewayConfig.duration("X", "120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(GatewayConfig.duration("X", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GatewayConfig.duration("X", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(GatewayConfig.duration("X", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GatewayConfig.duration("X", "PT3M")).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void theChainIsTheRequestedModelThenEachOtherFallback() {
        GatewayConfig c =
                GatewayConfig.from(Map.of("NIGHTSHIFT_FALLBACK_MODELS", "openai/gpt-5,anthropic/claude-sonnet-4-5"));
        assertThat(c.chainFor(ModelRef.parse("openai/gpt-5")))
                .containsExactly(ModelRef.parse("openai/gpt-5"), ModelRef.parse("anthropic/claude-sonnet-4-5"));
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertRefused("NIGHTSHIFT_MODEL", "gpt-5", "NIGHTSHIFT_MODEL", "provider/model");
        assertRefused("NIGHTSHIFT_MODEL", "mistral/large", "NIGHTSHIFT_MODEL", "unknown model provider 'mistral'");
        assertRefused("NIGHTSHIFT_FALLBACK_MODELS", "openai/gpt-5,nope", "NIGHTSHIFT_FALLBACK_MODELS", "'nope'");
        assertRefused("NIGHTSHIFT_MODEL_TIMEOUT", "soon", "NIGHTSHIFT_MODEL_TIMEOUT", "120s");
        assertRefused("NIGHTSHIFT_MODEL_TIMEOUT", "0s", "NIGHTSHIFT_MODEL_TIMEOUT", "positive");
        assertRefused("NIGHTSHIFT_MODEL_MAX_RETRIES", "two", "NIGHTSHIFT_MODEL_MAX_RETRIES", "whole number");
        assertRefused("NIGHTSHIFT_MODEL_MAX_RETRIES", "-1", "NIGHTSHIFT_MODEL_MAX_RETRIES", "between 0 and 10");
        assertRefused("NIGHTSHIFT_MODEL_PRICES", "openai/gpt-5", "NIGHTSHIFT_MODEL_PRICES", "input:cached:output");
        assertRefused("NIGHTSHIFT_MODEL_PRICES", "openai/gpt-5=1:2", "NIGHTSHIFT_MODEL_PRICES", "input:cached:output");
        assertRefused("NIGHTSHIFT_MODEL_PRICES", "openai/gpt-5=1:x:3", "NIGHTSHIFT_MODEL_PRICES", "three non-negative");
        assertRefused(
                "NIGHTSHIFT_MODEL_PRICES", "openai/gpt-5=1:-2:3", "NIGHTSHIFT_MODEL_PRICES", "three non-negative");
        assertRefused("OPENAI_COMPATIBLE_BASE_URL", "localhost:8000/v1", "OPENAI_COMPATIBLE_BASE_URL", "http://");
        assertRefused("OLLAMA_BASE_URL", "http://bad host/v1", "OLLAMA_BASE_URL", "not a valid URL");
    }

    private static void assertRefused(String name, String value, String... messageParts) {
        assertThatThrownBy(() -> GatewayConfig.from(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void blankValuesCountAsUnset() {
        GatewayConfig c = GatewayConfig.from(Map.of("NIGHTSHIFT_MODEL", "  ", "NIGHTSHIFT_MODEL_TIMEOUT", ""));
        assertThat(c.defaultModel()).isNull();
        assertThat(c.timeout()).isEqualTo(GatewayConfig.DEFAULT_TIMEOUT);
        assertThat(c.fallbackModels()).isEqualTo(List.of());
    }
}
