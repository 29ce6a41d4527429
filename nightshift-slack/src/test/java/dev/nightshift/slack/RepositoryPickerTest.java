package dev.nightshift.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.slack.fake.SlackPayloads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepositoryPickerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aButtonPerRecentRepositoryCarriesThePendingRequestAndTheRepository() throws Exception {
        JsonNode blocks = JSON.readTree(RepositoryPicker.blocksJson(
                "nsp_1",
                List.of(
                        "https://github.com/acme/app.git",
                        "git@gitlab.example.com:team/web.git",
                        "https://a/1.git",
                        "https://a/2.git",
                        "https://a/3.git",
                        "https://a/4.git")));
        JsonNode buttons = blocks.get(1).path("elements");
        assertThat(buttons).hasSize(RepositoryPicker.MAX_CHOICES);
        assertThat(buttons.get(0).path("action_id").asText()).isEqualTo("nightshift_repo_0");
        assertThat(buttons.get(1).path("action_id").asText()).isEqualTo("nightshift_repo_1");
        assertThat(buttons.get(0).path("text").path("text").asText()).isEqualTo("acme/app");
        assertThat(buttons.get(1).path("text").path("text").asText()).isEqualTo("team/web");
        assertThat(buttons.get(0).path("value").asText()).isEqualTo("nsp_1 https://github.com/acme/app.git");
    }

    @Test
    void aPickedRepositoryIsReadBackFromTheInteraction() {
        String payload = SlackPayloads.repositoryPicked(
                "C1", "1700000000.000100", "U1", "nsp_1 https://github.com/acme/app.git");
        assertThat(SlackEvents.parse(payload.getBytes(StandardCharsets.UTF_8)))
                .contains(new SlackEvent.RepositoryPicked(
                        "T0FAKETEAM", "C1", "1700000000.000100", "U1", "nsp_1 https://github.com/acme/app.git"));
        String withoutValue = payload.replace("\"value\":\"nsp_1 https://github.com/acme/app.git\"", "\"value\":\"\"");
        assertThat(SlackEvents.parse(withoutValue.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
