package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grep and glob, run inside a real sandbox over a git repository and a plain directory. */
class SearchToolsTest {
    @TempDir
    static Path data;

    static TestSandbox box;
    static TestSandbox.Context ctx;
    final Tool grep = new GrepTool();
    final Tool glob = new GlobTool();

    @BeforeAll
    static void start() throws Exception {
        box = TestSandbox.start(data, "ses_searchtools");
        ctx = box.context();
        box.sh("""
                mkdir -p repo && cd repo && git init -q
                printf 'build/\\n*.log\\n' > .gitignore
                mkdir -p src/main build node_modules/lib
                printf 'class A {\\n  // needle in src\\n}\\n' > src/main/A.java
                echo 'NEEDLE upper 42' > src/main/B.txt
                echo 'needle built' > build/out.txt
                echo 'needle logged' > debug.log
                echo 'needle dep' > node_modules/lib/x.js
                echo 'needle git' > .git/needle
                printf 'needle\\0binary' > data.bin
                """);
    }

    @AfterAll
    static void stop() {
        box.close();
    }

    private static List<String> matchLines(ToolResult r) {
        return r.content().lines().filter(l -> l.matches("^[^ ]+:\\d+: .*")).toList();
    }

    // -- grep -----------------------------------------------------------------------------------

    @Test
    void grepAnswersPathLineTextAndSkipsGitNodeModulesIgnoredAndBinaryFiles() throws Exception {
        ToolResult r = ctx.call(grep, "{\"pattern\":\"needle\",\"path\":\"repo\"}");
        assertThat(r.error()).as(r.content()).isFalse();
        assertThat(r.content()).isEqualTo("1 match in 1 file:\nrepo/src/main/A.java:2: // needle in src");
    }

    @Test
    void grepIgnoresCaseOnRequestAndSpeaksPerlRegexes() throws Exception {
        ToolResult r = ctx.call(grep, "{\"pattern\":\"needle\",\"path\":\"repo\",\"case_insensitive\":true}");
        assertThat(matchLines(r))
                .containsExactlyInAnyOrder(
                        "repo/src/main/A.java:2: // needle in src", "repo/src/main/B.txt:1: NEEDLE upper 42");
        ToolResult digits = ctx.call(grep, "{\"pattern\":\"upper \\\\d+\\\\b\",\"path\":\"repo\"}");
        assertThat(matchLines(digits)).containsExactly("repo/src/main/B.txt:1: NEEDLE upper 42");
    }

    @Test
    void grepFiltersByGlob() throws Exception {
        ToolResult java = ctx.call(
                grep, "{\"pattern\":\"needle\",\"path\":\"repo\",\"glob\":\"*.java\",\"case_insensitive\":true}");
        assertThat(matchLines(java)).containsExactly("repo/src/main/A.java:2: // needle in src");
        ToolResult both = ctx.call(
                grep,
                "{\"pattern\":\"needle\",\"path\":\"repo\",\"glob\":\"src/**/*.{java,txt}\",\"case_insensitive\":true}");
        assertThat(matchLines(both)).hasSize(2);
        ToolResult none = ctx.call(grep, "{\"pattern\":\"needle\",\"path\":\"repo\",\"glob\":\"*.py\"}");
        assertThat(none.error()).isFalse();
        assertThat(none.content()).isEqualTo("no matches for 'needle' in 'repo'");
    }

    @Test
    void grepSearchesAnIgnoredDirectoryWhenAskedFor() throws Exception {
        ToolResult r = ctx.call(grep, "{\"pattern\":\"needle\",\"path\":\"repo/build\"}");
        assertThat(r.content()).isEqualTo("1 match in 1 file:\nrepo/build/out.txt:1: needle built");
        ToolResult file = ctx.call(grep, "{\"pattern\":\"needle\",\"path\":\"repo/debug.log\"}");
        assertThat(file.content()).isEqualTo("1 match in 1 file:\nrepo/debug.log:1: needle logged");
    }

    @Test
    void grepSkipsNodeModulesOutsideRepositoriesToo() throws Exception {
        box.sh(
                "mkdir -p plain/node_modules/m plain/lib && echo 'findme here' > plain/lib/x.js && echo 'findme dep' > plain/node_modules/m/y.js");
        ToolResult r = ctx.call(grep, "{\"pattern\":\"findme\",\"path\":\"plain\"}");
        assertThat(matchLines(r)).containsExactly("plain/lib/x.js:1: findme here");
        ToolResult everywhere = ctx.call(grep, "{\"pattern\":\"findme\"}");
        assertThat(matchLines(everywhere)).containsExactly("plain/lib/x.js:1: findme here");
    }

    @Test
    void grepShowsAtMostOneHundredMatches() throws Exception {
        box.sh("mkdir -p cap && cd cap && for i in $(seq 1 150); do echo \"hit $i\" > f$i.txt; done");
        ToolResult r = ctx.call(grep, "{\"pattern\":\"^hit\",\"path\":\"cap\"}");
        assertThat(matchLines(r)).hasSize(100);
        assertThat(r.content()).startsWith("the first 100 matches (there are more; narrow the pattern, path or glob):");
    }

    @Test
    void grepShowsAtMostTenMatchesPerFileUnlessTheFileIsSearchedAlone() throws Exception {
        box.sh(
                "mkdir -p perfile && cd perfile && for i in $(seq 1 30); do echo \"dup $i\"; done > many.txt && echo 'dup once' > one.txt");
        ToolResult r = ctx.call(grep, "{\"pattern\":\"dup\",\"path\":\"perfile\"}");
        assertThat(matchLines(r).stream().filter(l -> l.startsWith("perfile/many.txt:")))
                .hasSize(10);
        assertThat(matchLines(r)).contains("perfile/one.txt:1: dup once");
        assertThat(r.content()).contains("at most 10 matches per file are shown; these have more", "perfile/many.txt");

        ToolResult alone = ctx.call(grep, "{\"pattern\":\"dup\",\"path\":\"perfile/many.txt\"}");
        assertThat(matchLines(alone)).hasSize(30).startsWith("perfile/many.txt:1: dup 1");
    }

    @Test
    void grepCutsLongLines() throws Exception {
        box.sh("mkdir -p wide && printf 'wideline %s\\n' \"$(head -c 5000 /dev/zero | tr '\\0' x)\" > wide/min.js");
        ToolResult r = ctx.call(grep, "{\"pattern\":\"wideline\",\"path\":\"wide\"}");
        String line = matchLines(r).getFirst();
        String text = line.substring(line.indexOf(": ") + 2);
        assertThat(text).hasSize(201).startsWith("wideline xxx").endsWith("x…");
    }

    @Test
    void grepReportsBadRegexesAndMissingPaths() throws Exception {
        ToolResult bad = ctx.call(grep, "{\"pattern\":\"(unclosed\",\"path\":\"repo\"}");
        assertThat(bad.error()).isTrue();
        assertThat(bad.content()).contains("missing closing parenthesis");
        ToolResult missing = ctx.call(grep, "{\"pattern\":\"x\",\"path\":\"no/such/dir\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("'no/such/dir' does not exist");
        ToolResult dashed = ctx.call(grep, "{\"pattern\":\"--version\",\"path\":\"repo\"}");
        assertThat(dashed.error()).as("a pattern is never taken for an option").isFalse();
    }

    // -- glob -----------------------------------------------------------------------------------

    @Test
    void globListsNewestFirstAndSkipsGitAndNodeModules() throws Exception {
        box.sh("""
                mkdir -p gl/b/d gl/node_modules/m gl/.git
                touch -d '2020-01-01' gl/a.java
                touch -d '2021-01-01' gl/b/c.java
                touch -d '2022-01-01' gl/b/d/e.java
                touch gl/node_modules/m/x.java gl/.git/y.java gl/README.md
                """);
        ToolResult r = ctx.call(glob, "{\"pattern\":\"**/*.java\",\"path\":\"gl\"}");
        assertThat(r.error()).as(r.content()).isFalse();
        assertThat(r.content())
                .isEqualTo("3 files match '**/*.java', newest first:\ngl/b/d/e.java\ngl/b/c.java\ngl/a.java");
        ToolResult top = ctx.call(glob, "{\"pattern\":\"*.java\",\"path\":\"gl\"}");
        assertThat(top.content()).isEqualTo("1 file matches '*.java', newest first:\ngl/a.java");
        ToolResult braces = ctx.call(glob, "{\"pattern\":\"**/*.{md,java}\",\"path\":\"/workspace/gl\"}");
        assertThat(braces.content().lines().skip(1))
                .containsExactly("gl/README.md", "gl/b/d/e.java", "gl/b/c.java", "gl/a.java");
        ToolResult named = ctx.call(glob, "{\"pattern\":\"node_modules/**\",\"path\":\"gl\"}");
        assertThat(named.content().lines().skip(1)).containsExactly("gl/node_modules/m/x.java");
        ToolResult nested = ctx.call(glob, "{\"pattern\":\"b/**/*.java\",\"path\":\"gl\"}");
        assertThat(nested.content().lines().skip(1)).containsExactly("gl/b/d/e.java", "gl/b/c.java");
    }

    @Test
    void globShowsAtMostOneHundredAndSaysHowManyThereAre() throws Exception {
        box.sh("mkdir -p globcap && cd globcap && for i in $(seq 1 150); do touch f$i.txt; done");
        ToolResult r = ctx.call(glob, "{\"pattern\":\"*.txt\",\"path\":\"globcap\"}");
        assertThat(r.content().lines().skip(1)).hasSize(100);
        assertThat(r.content()).startsWith("the newest 100 of 150 files matching '*.txt'");
    }

    @Test
    void globHelpsWhenNothingMatches() throws Exception {
        box.sh("mkdir -p gl2/sub && touch gl2/sub/only.kt");
        ToolResult r = ctx.call(glob, "{\"pattern\":\"*.kt\",\"path\":\"gl2\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).contains("no files match '*.kt'", "**/*.kt");
        ToolResult missing = ctx.call(glob, "{\"pattern\":\"*\",\"path\":\"nope\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("'nope' does not exist");
        ToolResult file = ctx.call(glob, "{\"pattern\":\"*\",\"path\":\"gl2/sub/only.kt\"}");
        assertThat(file.content()).contains("is not a directory");
    }
}
