package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GlobPatternTest {
    /** find -regex matches the whole path; Java's matches() does the same for these simple expressions. */
    private static boolean matches(String glob, String path) throws Args.Invalid {
        return Pattern.compile(GlobPattern.toExtendedRegex(glob)).matcher(path).matches();
    }

    @Test
    void starsStayInOneDirectoryAndDoubleStarsCrossThem() throws Exception {
        assertThat(matches("*.java", "A.java")).isTrue();
        assertThat(matches("*.java", "src/A.java")).isFalse();
        assertThat(matches("**/*.java", "A.java")).isTrue();
        assertThat(matches("**/*.java", "src/main/A.java")).isTrue();
        assertThat(matches("src/**/*.java", "src/A.java")).isTrue();
        assertThat(matches("src/**/*.java", "src/a/b/A.java")).isTrue();
        assertThat(matches("src/**", "src/a/b")).isTrue();
        assertThat(matches("src/**", "lib/a")).isFalse();
        assertThat(matches("?.txt", "a.txt")).isTrue();
        assertThat(matches("?.txt", "ab.txt")).isFalse();
    }

    @Test
    void bracesClassesAndLiterals() throws Exception {
        assertThat(matches("*.{ts,tsx}", "a.tsx")).isTrue();
        assertThat(matches("*.{ts,tsx}", "a.js")).isFalse();
        assertThat(matches("[ab].txt", "b.txt")).isTrue();
        assertThat(matches("[!ab].txt", "b.txt")).isFalse();
        assertThat(matches("[!ab].txt", "c.txt")).isTrue();
        assertThat(matches("a+b(1).txt", "a+b(1).txt")).isTrue();
        assertThat(matches("a.txt", "abtxt")).as("a dot is a dot").isFalse();
        assertThat(matches("\\*.txt", "*.txt")).isTrue();
        assertThat(matches("[unclosed", "[unclosed")).isTrue();
        assertThatThrownBy(() -> GlobPattern.toExtendedRegex("*.{ts")).hasMessageContaining("'{' without a '}'");
    }

    @Test
    void expandsBracesForMatchersWithoutThem() throws Exception {
        assertThat(GlobPattern.expandBraces("*.{ts,tsx}")).containsExactly("*.ts", "*.tsx");
        assertThat(GlobPattern.expandBraces("{src,test}/**/*.{a,b}"))
                .containsExactly("src/**/*.a", "src/**/*.b", "test/**/*.a", "test/**/*.b");
        assertThat(GlobPattern.expandBraces("x.{a,{b,c}}")).containsExactly("x.a", "x.b", "x.c");
        assertThat(GlobPattern.expandBraces("plain")).containsExactly("plain");
        assertThatThrownBy(() -> GlobPattern.expandBraces("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}"))
                .hasMessageContaining("more than 64 alternatives");
    }

    @Test
    void patternsAreRelativeToTheSearchedDirectory() {
        assertThat(GlobPattern.normalise("./src/*.java")).isEqualTo("src/*.java");
        assertThat(GlobPattern.normalise("/workspace/src/*.java")).isEqualTo("src/*.java");
        assertThat(GlobPattern.names("node_modules/**", "node_modules")).isTrue();
        assertThat(GlobPattern.names("**/*.js", "node_modules")).isFalse();
    }
}
