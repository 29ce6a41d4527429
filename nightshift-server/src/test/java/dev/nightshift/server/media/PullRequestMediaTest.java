package dev.nightshift.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.core.model.Artifact;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PullRequestMediaTest {
    private static MediaLibrary.Item item(
            String id, String type, String name, String caption, String label, long millis) {
        return new MediaLibrary.Item(
                new Artifact(id, "ses_1", type, MediaLibrary.url("ses_1", id), "{}", Instant.EPOCH),
                type,
                "a".repeat(64),
                type.equals("video") ? "video/mp4" : "image/png",
                name,
                10,
                1280,
                800,
                millis,
                caption,
                label);
    }

    @Test
    void beforeAndAfterGoSideBySideAndTheRestIsListedWithAbsoluteLinks() {
        String section = PullRequestMedia.section(
                "https://ns.example",
                "ses_1",
                List.of(
                        item("art_1", "screenshot", "old.png", "the form | before", "before", 0),
                        item("art_2", "screenshot", "new.png", "", "after", 0),
                        item("art_3", "video", "clip.mp4", "saving *works*", "", 12_000),
                        item("art_4", "screenshot", "menu.png", "", "", 0)));
        assertThat(section)
                .startsWith("### Screenshots\n\n| Before | After |\n|---|---|\n")
                .contains("| [old.png](https://ns.example/sessions/ses_1#media-art_1): the form \\| before "
                        + "| [new.png](https://ns.example/sessions/ses_1#media-art_2) |\n")
                .contains(
                        "- [clip.mp4](https://ns.example/sessions/ses_1#media-art_3) (video, 12 s): saving \\*works\\*\n")
                .contains("- [menu.png](https://ns.example/sessions/ses_1#media-art_4)\n")
                .doesNotContain("- [old.png]");
    }

    @Test
    void withoutBothLabelsEverythingIsAListAndWithoutMediaThereIsNoSection() {
        String section = PullRequestMedia.section(
                "https://ns.example", "ses_1", List.of(item("art_1", "screenshot", "old.png", "", "before", 0)));
        assertThat(section).doesNotContain("| Before").contains("- [old.png](");
        assertThat(PullRequestMedia.section("https://ns.example", "ses_1", List.of()))
                .isEmpty();
    }
}
