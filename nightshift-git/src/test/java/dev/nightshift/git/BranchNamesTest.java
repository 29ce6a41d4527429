package dev.nightshift.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BranchNamesTest {
    @Test
    void workBranchesAreInitialsAndEightHexDigits() {
        assertThat(BranchNames.generate("Ada Lovelace", "ada")).matches("al/[0-9a-f]{8}");
        assertThat(BranchNames.generate(null, "grace")).matches("gr/[0-9a-f]{8}");
        assertThat(BranchNames.generate("Émile Zola", "ez")).startsWith("ez/");
        assertThat(BranchNames.generate("", "")).startsWith("ns/");
        assertThat(BranchNames.generate("Ada Lovelace", "ada"))
                .isNotEqualTo(BranchNames.generate("Ada Lovelace", "ada"));
    }

    @Test
    void gitsRulesForNamesAreChecked() {
        assertThat(BranchNames.problem("al/1a2b3c4d")).isNull();
        assertThat(BranchNames.problem("feature/x.y")).isNull();
        for (String bad : new String[] {
            "", "-x", "a..b", "a b", "a~1", "x.lock", "a/", "/a", "a//b", "x@{1}", "a:b", "a\\b", ".x", "a/.b"
        }) {
            assertThat(BranchNames.problem(bad)).as(bad).isNotNull();
        }
    }
}
