package dev.nightshift.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void hmacSha256MatchesRfc4231TestCases1And2() {
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HexFormat.of().formatHex(Secrets.hmacSha256(key1, "Hi There".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assertThat(HexFormat.of()
                        .formatHex(Secrets.hmacSha256(
                                "Jefe".getBytes(StandardCharsets.US_ASCII),
                                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // parts are one message: how the timestamp and the body are signed together
        assertThat(HexFormat.of()
                        .formatHex(Secrets.hmacSha256(
                                "Jefe".getBytes(StandardCharsets.US_ASCII),
                                "what do ya ".getBytes(StandardCharsets.US_ASCII),
                                "want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
