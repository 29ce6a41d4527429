package dev.nightshift.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.agent.model.ChatMessage;
import dev.nightshift.core.event.EventPayload;
import dev.nightshift.core.model.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A prompt's attachments from the log to the model's view: images read for it, text put into the prompt. */
class PromptAttachmentsTest {
    private final List<Event> log = new ArrayList<>();
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final List<String> reads = new ArrayList<>();

    private final PromptAttachments.Loader loader = id -> {
        reads.add(id);
        if (id.startsWith("broken")) {
            throw new IOException("disk on fire");
        }
        return Optional.ofNullable(blobs.get(id));
    };

    private EventPayload.AttachmentRef file(String id, String name, String type, byte[] content) {
        blobs.put(id, content);
        return ref(id, name, type, content.length);
    }

    private static EventPayload.AttachmentRef ref(String id, String name, String type, long size) {
        return new EventPayload.AttachmentRef(id, name, type, size, ".nightshift/attachments/" + name);
    }

    private void prompt(String content, List<EventPayload.AttachmentRef> attachments) {
        EventPayload.UserMessage payload =
                new EventPayload.UserMessage("msg_" + log.size(), "usr_1", "web", content, null, attachments);
        log.add(new Event("ses_1", log.size() + 1, "user_message", "msg_1", payload.toJson(), Instant.EPOCH));
    }

    private List<ChatMessage> resolved() {
        return PromptAttachments.resolve(Conversation.rebuild(log).messages(), loader);
    }

    @Test
    void imagesAreReadForTheModelAndSmallTextFilesPutIntoThePrompt() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        prompt(
                "Make the page look like this",
                List.of(
                        file("att_img", "shot.png", "image/png", png),
                        file(
                                "att_txt",
                                "notes.md",
                                "text/plain",
                                "# Notes\nuse ``` fences\n".getBytes(StandardCharsets.UTF_8)),
                        ref("att_big", "server.log", "text/plain", PromptAttachments.MAX_INLINE_TEXT_BYTES + 1)));
        ChatMessage.User user = (ChatMessage.User) resolved().getFirst();

        assertThat(user.attachments()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("shot.png");
            assertThat(a.data()).isEqualTo(png);
            assertThat(a.withheld()).isNull();
        });
        assertThat(user.text())
                .startsWith("Make the page look like this")
                .contains(
                        "[A file was attached: notes.md (text/plain, 23 bytes), at .nightshift/attachments/notes.md]\n````\n# Notes\nuse ``` fences\n````")
                .contains(
                        "server.log (text/plain, 16.0 KB), at .nightshift/attachments/server.log; read it from there]");
        assertThat(reads).containsExactlyInAnyOrder("att_img", "att_txt"); // the large file is never read
    }

    @Test
    void theNewestImagesKeepTheirPlaceAndTooLargeOrUnreadableOnesAreDescribed() {
        byte[] small = new byte[1000];
        List<EventPayload.AttachmentRef> old = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            old.add(file("att_old" + i, "old" + i + ".png", "image/png", small));
        }
        prompt("first", old);
        List<EventPayload.AttachmentRef> recent = new ArrayList<>();
        for (int i = 0; i < PromptAttachments.MAX_IMAGES - 1; i++) {
            recent.add(file("att_new" + i, "new" + i + ".png", "image/png", small));
        }
        recent.add(ref("att_huge", "huge.png", "image/png", PromptAttachments.MAX_IMAGE_BYTES + 1));
        recent.add(ref("broken_1", "gone.png", "image/png", 10));
        prompt("second", recent);

        List<ChatMessage> messages = resolved();
        ChatMessage.User first = (ChatMessage.User) messages.get(0);
        ChatMessage.User second = (ChatMessage.User) messages.get(1);
        assertThat(second.attachments().stream().filter(a -> a.data() != null))
                .hasSize(PromptAttachments.MAX_IMAGES - 1);
        assertThat(second.attachments())
                .filteredOn(a -> a.name().equals("huge.png"))
                .singleElement()
                .satisfies(a -> assertThat(a.withheld()).contains("too large"));
        assertThat(second.attachments())
                .filteredOn(a -> a.name().equals("gone.png"))
                .singleElement()
                .satisfies(a -> assertThat(a.withheld()).contains("could not be read"));
        // one place was left, for the older prompt's first image
        assertThat(first.attachments().stream().filter(a -> a.data() != null)).hasSize(1);
        assertThat(first.attachments().stream().filter(a -> a.withheld() != null))
                .allSatisfy(a -> assertThat(a.withheld()).contains("newer images"))
                .hasSize(2);
        assertThat(reads).doesNotContain("att_huge");
    }

    @Test
    void describedForAModelThatCannotSeeImages() {
        prompt("what is this", List.of(file("att_img", "shot.png", "image/png", new byte[] {1, 2})));
        ChatMessage.User user = ((ChatMessage.User) resolved().getFirst()).described();
        assertThat(user.attachments()).isEmpty();
        assertThat(user.text())
                .isEqualTo(
                        "[An image was attached: shot.png (image/png, 2 bytes), at .nightshift/attachments/shot.png; "
                                + "this model cannot view images]\n\nwhat is this");
    }

    @Test
    void aPromptWithoutAttachmentsIsUnchanged() {
        prompt("plain", null);
        assertThat(resolved()).containsExactly(new ChatMessage.User("plain"));
        assertThat(reads).isEmpty();
    }
}
