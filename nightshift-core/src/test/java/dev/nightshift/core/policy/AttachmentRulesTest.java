package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttachmentRulesTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F'};
    private static final byte[] GIF = "GIF89a\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] WEBP = "RIFF\u0000\u0000\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] ELF = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};

    private static AttachmentRules.Verdict check(String declared, byte[] content) {
        AttachmentRules.TextCheck text = new AttachmentRules.TextCheck();
        text.feed(content, 0, content.length);
        return AttachmentRules.check(declared, content, content.length, text.text());
    }

    @Test
    void imagesAreKnownByTheirFirstBytesWhateverTheyAreDeclaredAs() {
        assertThat(check("image/png", PNG)).isEqualTo(new AttachmentRules.Accepted("image/png"));
        assertThat(check(null, JPEG)).isEqualTo(new AttachmentRules.Accepted("image/jpeg"));
        assertThat(check("application/octet-stream", GIF)).isEqualTo(new AttachmentRules.Accepted("image/gif"));
        assertThat(check("image/webp", WEBP)).isEqualTo(new AttachmentRules.Accepted("image/webp"));
        assertThat(check("image/jpeg", PNG)).isEqualTo(new AttachmentRules.Accepted("image/png"));
    }

    @Test
    void aProgramCalledAnImageOrSentAsBytesIsRefused() {
        assertThat(check("image/png", ELF))
                .isInstanceOfSatisfying(
                        AttachmentRules.Refused.class,
                        r -> assertThat(r.reason()).contains("declared as image/png"));
        assertThat(check("application/octet-stream", ELF)).isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check(null, ELF)).isInstanceOf(AttachmentRules.Refused.class);
    }

    @Test
    void typesOutsideImagesAndTextAreRefusedWhateverTheContent() {
        assertThat(check("application/pdf", "%PDF-1.7".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(
                        AttachmentRules.Refused.class,
                        r -> assertThat(r.reason()).contains("application/pdf"));
        assertThat(check("image/svg+xml", "<svg/>".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check("application/x-msdownload", PNG)).isInstanceOf(AttachmentRules.Refused.class);
    }

    @Test
    void textIsUtf8WithoutNulBytes() {
        assertThat(check("text/markdown; charset=utf-8", "# Notes\nä ☃ 😀\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new AttachmentRules.Accepted(AttachmentRules.TEXT));
        assertThat(check("application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new AttachmentRules.Accepted(AttachmentRules.TEXT));
        assertThat(check("application/vnd.api+json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AttachmentRules.Accepted.class);
        assertThat(check("text/plain", new byte[] {'a', 0, 'b'})).isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check("text/plain", new byte[] {'a', (byte) 0xE9, 'b'})) // Latin-1 é
                .isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check("text/plain", new byte[] {(byte) 0xC0, (byte) 0xAF})) // overlong '/'
                .isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check("text/plain", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) // a surrogate
                .isInstanceOf(AttachmentRules.Refused.class);
        assertThat(check("text/plain", new byte[] {'a', (byte) 0xE2, (byte) 0x98})) // cut in the middle
                .isInstanceOf(AttachmentRules.Refused.class);
    }

    @Test
    void textFedInPiecesIsJudgedAsAWhole() {
        byte[] snowman = "x☃y".getBytes(StandardCharsets.UTF_8);
        AttachmentRules.TextCheck text = new AttachmentRules.TextCheck();
        for (byte b : snowman) {
            text.feed(new byte[] {b}, 0, 1);
        }
        assertThat(text.text()).isTrue();
    }

    @Test
    void namesBecomeSafeFileNames() {
        assertThat(AttachmentRules.safeName("Screenshot 2026-05-01 at 10.00.00.png", "image/png"))
                .isEqualTo("Screenshot_2026-05-01_at_10.00.00.png");
        assertThat(AttachmentRules.safeName("../../etc/passwd", "text/plain")).isEqualTo("passwd");
        assertThat(AttachmentRules.safeName("C:\\Users\\ann\\notes.md", "text/plain"))
                .isEqualTo("notes.md");
        assertThat(AttachmentRules.safeName("..", "text/plain")).isEqualTo("attachment");
        assertThat(AttachmentRules.safeName(".env", "text/plain")).isEqualTo("env");
        assertThat(AttachmentRules.safeName("a..b...txt", "text/plain")).isEqualTo("a.b.txt");
        assertThat(AttachmentRules.safeName("bad\u0000name\n.txt", "text/plain"))
                .isEqualTo("bad_name.txt");
        assertThat(AttachmentRules.safeName("", "image/jpeg")).isEqualTo("attachment.jpg");
        assertThat(AttachmentRules.safeName(null, "image/png")).isEqualTo("attachment.png");
        assertThat(AttachmentRules.safeName("image", "image/webp")).isEqualTo("image.webp");
        assertThat(AttachmentRules.safeName("Résumé.txt", "text/plain")).isEqualTo("Résumé.txt");
        String longName = AttachmentRules.safeName("x".repeat(300) + ".log", "text/plain");
        assertThat(longName).hasSize(AttachmentRules.MAX_NAME_CHARS).endsWith(".log");
        String wide = AttachmentRules.safeName("字".repeat(150) + ".txt", "text/plain");
        assertThat(wide.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
        assertThat(wide).endsWith(".txt");
    }

    @Test
    void aTakenNameGetsANumber() {
        assertThat(AttachmentRules.uniqueName("a.png", Set.of())).isEqualTo("a.png");
        assertThat(AttachmentRules.uniqueName("a.png", Set.of("a.png"))).isEqualTo("a-2.png");
        assertThat(AttachmentRules.uniqueName("a.png", Set.of("a.png", "a-2.png")))
                .isEqualTo("a-3.png");
        assertThat(AttachmentRules.uniqueName("README", Set.of("README"))).isEqualTo("README-2");
    }

    @Test
    void theRequestLimitCoversEveryAttachmentAndTheLongestPrompt() {
        AttachmentLimits limits = AttachmentLimits.DEFAULTS;
        assertThat(limits.maxCount()).isEqualTo(6);
        assertThat(limits.maxBytes()).isEqualTo(10L << 20);
        assertThat(limits.maxRequestBytes(64_000)).isGreaterThan(6 * (10L << 20) + 4 * 64_000);
        assertThat(limits.maxRequestBytes(64_000)).isLessThan(61L << 20);
    }
}
