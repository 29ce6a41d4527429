package dev.nightshift.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.event.EventType;
import dev.nightshift.server.http.Json;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the event catalogue ({@link EventType}) and what describes and shows it in step: every
 * type and each of its payload's fields is in {@code openapi.json} as {@code EventData.<type>}, and
 * the web UI's timeline has a rendering for every type.
 */
class EventCatalogueDocumentTest {
    private static final String PREFIX = "EventData.";

    private static String resource(String name) throws Exception {
        try (InputStream in = EventCatalogueDocumentTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theOpenApiDocumentDescribesEveryEventTypeAndEveryPayloadField() throws Exception {
        JsonNode schemas = Json.MAPPER
                .readTree(resource("/openapi.json"))
                .path("components")
                .path("schemas");
        Set<String> documented = new HashSet<>();
        schemas.fieldNames().forEachRemaining(name -> {
            if (name.startsWith(PREFIX)) {
                documented.add(name.substring(PREFIX.length()));
            }
        });
        assertThat(documented)
                .as("EventData.* schemas in openapi.json")
                .isEqualTo(
                        Arrays.stream(EventType.values()).map(EventType::wire).collect(Collectors.toSet()));

        for (EventType type : EventType.values()) {
            JsonNode schema = schemas.path(PREFIX + type.wire());
            assertThat(schema.path("description").asText())
                    .as(type.wire() + " description")
                    .isNotBlank();
            List<String> properties = new ArrayList<>();
            schema.path("properties").fieldNames().forEachRemaining(properties::add);
            RecordComponent[] components = type.payload().getRecordComponents();
            assertThat(properties)
                    .as(type.wire() + " fields")
                    .containsExactly(Arrays.stream(components)
                            .map(RecordComponent::getName)
                            .toArray(String[]::new));
            Set<String> required = new HashSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            assertThat(properties)
                    .as(type.wire() + " required fields are fields")
                    .containsAll(required);
            for (RecordComponent c : components) {
                if (c.getType().isPrimitive()) { // never absent, so documented as required
                    assertThat(required)
                            .as(type.wire() + "." + c.getName() + " is required")
                            .contains(c.getName());
                }
            }
        }
        assertThat(schemas.path("Event").path("description").asText())
                .contains(Arrays.stream(EventType.values()).map(EventType::wire).toList());
    }

    @Test
    void theWebTimelineRendersEveryEventType() throws Exception {
        String timeline = resource("/web/js/timeline.js");
        for (EventType type : EventType.values()) {
            assertThat(timeline).as("timeline.js case for " + type.wire()).contains("case '" + type.wire() + "':");
        }
    }

    @Test
    void payloadsAreJsonThatTheServersOwnReaderTakesBack() throws Exception {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 snowman ☃ emoji \uD83D\uDE00";
        JsonNode read = Json.MAPPER.readTree(
                EventPayload.Git.commit("357f8dc", nasty, "Ann <ann@x>").toJson());
        assertThat(read.path("subject").asText()).isEqualTo(nasty);
        assertThat(read.has("error")).isFalse();
        JsonNode finish = Json.MAPPER.readTree(
                new EventPayload.StepFinish(2, new EventPayload.Usage(1, 0, 3), 1.0E-7, 0.5, 12.25, null, null)
                        .toJson());
        assertThat(finish.path("costUsd").asDouble()).isEqualTo(1.0E-7);
        assertThat(finish.path("usage").path("output").asLong()).isEqualTo(3);
    }
}
