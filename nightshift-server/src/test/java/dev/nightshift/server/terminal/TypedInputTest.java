package dev.nightshift.server.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How typing is batched and written for the session's log. */
class TypedInputTest {

    @Test
    void keysTypedOneByOneBecomeOneLineAtEnter() {
        TypedInput typed = new TypedInput();
        for (char c : "ls -la".toCharArray()) {
            assertThat(typed.add(String.valueOf(c))).isEmpty();
        }
        assertThat(typed.add("\r")).containsExactly("ls -la\n");
        assertThat(typed.flush()).isNull();
    }

    @Test
    void controlKeysAndArrowsAreReadable() {
        TypedInput typed = new TypedInput();
        assertThat(typed.add("sleep 9\u0003\u001b[A\u007f\t\u0004")).isEmpty();
        assertThat(typed.flush()).isEqualTo("sleep 9^C↑^?^I^D");
        assertThat(typed.add("\u001b[1;5C\u001bx")).isEmpty();
        assertThat(typed.flush()).isEqualTo("^[[1;5C^[x");
    }

    @Test
    void crLfIsOneEnterAndAPasteOfLinesIsOneEventALine() {
        TypedInput typed = new TypedInput();
        assertThat(typed.add("a\r\nb\nc")).containsExactly("a\n", "b\n");
        assertThat(typed.flush()).isEqualTo("c");
    }

    @Test
    void aLongLineIsCutAtTheCap() {
        TypedInput typed = new TypedInput();
        assertThat(typed.add("x".repeat(TypedInput.MAX_CHARS + 5))).containsExactly("x".repeat(TypedInput.MAX_CHARS));
        assertThat(typed.flush()).isEqualTo("xxxxx");
    }
}
