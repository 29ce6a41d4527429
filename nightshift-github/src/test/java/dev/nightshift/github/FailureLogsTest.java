package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailureLogsTest {

    private static final String TS = "2024-05-01T10:00:00.1234567Z ";

    @Test
    void keepsTheErrorWithContextAndTheEndOfTheLog() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            lines.add(TS + "line " + i);
        }
        lines.set(49, TS + "##[error]Process completed with exit code 1.");
        String log = String.join("\n", lines);

        String slim = FailureLogs.slim(log, 10_000);

        List<String> expected = new ArrayList<>();
        IntStream.rangeClosed(47, 49).forEach(i -> expected.add("line " + i));
        expected.add("##[error]Process completed with exit code 1.");
        IntStream.rangeClosed(51, 56).forEach(i -> expected.add("line " + i));
        expected.add(FailureLogs.TAIL_SEPARATOR);
        IntStream.rangeClosed(71, 100).forEach(i -> expected.add("line " + i));
        assertThat(slim).isEqualTo(String.join("\n", expected));
    }

    @Test
    void overlappingContextsMergeAndGapsAreMarked() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            lines.add("line " + i);
        }
        lines.set(9, "error: first");
        lines.set(14, "error: second"); // within the first's 6 lines after
        lines.set(99, "FAILED third");
        String slim = FailureLogs.slim(String.join("\n", lines), 10_000);

        String errors = slim.substring(0, slim.indexOf(FailureLogs.TAIL_SEPARATOR));
        assertThat(errors.lines().toList())
                .containsExactly(
                        "line 7",
                        "line 8",
                        "line 9",
                        "error: first",
                        "line 11",
                        "line 12",
                        "line 13",
                        "line 14",
                        "error: second",
                        "line 16",
                        "line 17",
                        "line 18",
                        "line 19",
                        "line 20",
                        "line 21",
                        "…",
                        "line 97",
                        "line 98",
                        "line 99",
                        "FAILED third",
                        "line 101",
                        "line 102",
                        "line 103",
                        "line 104",
                        "line 105",
                        "line 106");
    }

    @Test
    void anErrorAtTheEndIsNotRepeatedInTheTail() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            lines.add("line " + i);
        }
        lines.set(37, "Error: boom");
        String slim = FailureLogs.slim(String.join("\n", lines), 10_000);

        assertThat(slim.lines().filter(l -> l.equals("Error: boom"))).hasSize(1);
        assertThat(slim).doesNotContain(FailureLogs.TAIL_SEPARATOR);
        assertThat(slim).endsWith("line 35\nline 36\nline 37\nError: boom\nline 39\nline 40");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "##[error]Process completed with exit code 2.",
                "src/A.java:[12,5] error: cannot find symbol",
                "Error: Cannot find module 'left-pad'",
                "[ERROR] Failed to execute goal",
                "--- FAIL: TestImporter (0.01s)",
                "FAILED tests/test_import.py::test_retry - assert 1 == 2",
                "java.lang.IllegalStateException: closed",
                "java.lang.AssertionError",
                "    expected: 3",
                "Traceback (most recent call last):",
                "panic: runtime error: index out of range",
                "npm ERR! code ELIFECYCLE",
                "[INFO] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0",
                "Tests run: 12, Failures: 0, Errors: 2, Skipped: 0",
                "Tests run: 12, Failures: 10, Errors: 0",
            })
    void recognisesErrorsAsToolsPrintThem(String line) {
        assertThat(FailureLogs.looksLikeError(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0",
                "Downloading https://repo.example/junit.jar",
                "BUILD SUCCESS",
                "errors are handled below",
                "Run actions/checkout@v4",
                "",
            })
    void passingLinesAreNotErrors(String line) {
        assertThat(FailureLogs.looksLikeError(line)).isFalse();
    }

    @Test
    void timestampsColoursAndGroupMarkersAreRemoved() {
        String log = String.join(
                "\n",
                TS + "##[group]Run mvn verify",
                TS + "\u001b[36;1mmvn -B verify\u001b[0m",
                "2024-05-01T10:00:01Z \u001b[1;31m[ERROR]\u001b[m Tests run: 3, Failures: 1",
                TS + "##[endgroup]",
                TS + "\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007 done\r",
                "2024-05-01T10:00:00.5Z");

        assertThat(FailureLogs.slim(log, 1_000))
                .isEqualTo(String.join(
                        "\n", "Run mvn verify", "mvn -B verify", "[ERROR] Tests run: 3, Failures: 1", "link done", ""));
    }

    @Test
    void aProgressBarShowsWhatItLastDrew() {
        String log = "Downloading  10%\rDownloading  50%\rDownloading 100%\nError: checksum mismatch";

        assertThat(FailureLogs.slim(log, 1_000)).isEqualTo("Downloading 100%\nError: checksum mismatch");
    }

    @Test
    void withoutErrorsTheEndOfTheLogIsKept() {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 1_000; i++) {
            log.append("step ").append(i).append('\n');
        }

        String slim = FailureLogs.slim(log.toString(), 10_000);

        assertThat(slim.lines().toList()).hasSize(FailureLogs.TAIL_LINES + 1);
        assertThat(slim).startsWith(FailureLogs.TAIL_SEPARATOR + "\nstep 971\n").endsWith("step 1000");
    }

    @Test
    void aLongLineIsCut() {
        String log = "Error: " + "x".repeat(100_000) + "\nnext";

        String slim = FailureLogs.slim(log, 10_000);

        assertThat(slim.lines().findFirst().orElseThrow())
                .hasSize(FailureLogs.MAX_LINE_CHARS)
                .endsWith("…");
        assertThat(slim).endsWith("\nnext");
    }

    @Test
    void neverLongerThanAskedAndTheMiddleIsCut() {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 5_000; i++) {
            log.append(i % 50 == 0 ? "ERROR number " + i : "context line " + i).append('\n');
        }

        for (int max : new int[] {1, 10, 50, 200, 1_000, 3_000, 20_000}) {
            String slim = FailureLogs.slim(log.toString(), max);
            assertThat(slim.length()).as("max %d", max).isLessThanOrEqualTo(max);
        }
        String slim = FailureLogs.slim(log.toString(), 3_000);
        assertThat(slim).contains("ERROR number 50\n").endsWith("ERROR number 5000");
        assertThat(slim).containsPattern("… \\(\\d+ lines cut\\) …");
    }

    @Test
    void contextLinesGoBeforeErrorLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            lines.add(String.format("context line %03d padded to be rather long", i));
        }
        lines.set(9, "Error: first");
        lines.set(29, "Error: second");
        lines.set(49, "Error: third");
        String log = String.join("\n", lines);
        String roomy = FailureLogs.slim(log, 100_000);
        assertThat(roomy).contains("context line 009");

        String tight = FailureLogs.slim(log, 1_000);

        assertThat(tight.length()).isLessThanOrEqualTo(1_000);
        String errors = tight.substring(0, tight.indexOf(FailureLogs.TAIL_SEPARATOR));
        assertThat(errors.lines().toList()).containsExactly("Error: first", "…", "Error: second", "…", "Error: third");
        assertThat(tight).endsWith("context line 100 padded to be rather long");
    }

    @Test
    void emptyAndMissingLogsGiveNothing() {
        assertThat(FailureLogs.slim(null, 100)).isEmpty();
        assertThat(FailureLogs.slim("", 100)).isEmpty();
        assertThat(FailureLogs.slim("Error: x", 0)).isEmpty();
        assertThat(FailureLogs.slim("Error: x", -5)).isEmpty();
    }

    @Test
    void aTwentyMegabyteLogKeepsItsOneErrorAndFits() {
        StringBuilder log = new StringBuilder(21 * 1024 * 1024);
        int line = 0;
        while (log.length() < 10 * 1024 * 1024) {
            log.append("2024-05-01T10:00:00.1234567Z \u001b[32m[INFO]\u001b[0m Downloaded artifact ")
                    .append(line++)
                    .append(" from central (12 kB at 340 kB/s)\n");
        }
        log.append(TS).append("[ERROR] ImporterTest.retriesOn503:42 expected: <3> but was: <1>\n");
        while (log.length() < 20 * 1024 * 1024) {
            log.append(TS).append("[INFO] Downloaded artifact ").append(line++).append('\n');
        }

        String slim = FailureLogs.slim(log.toString(), 8_000);

        assertThat(slim.length()).isLessThanOrEqualTo(8_000);
        assertThat(slim).contains("[ERROR] ImporterTest.retriesOn503:42 expected: <3> but was: <1>");
        assertThat(slim).contains(FailureLogs.TAIL_SEPARATOR);
        assertThat(slim).endsWith("[INFO] Downloaded artifact " + (line - 1));
        assertThat(slim).doesNotContain("\u001b").doesNotContain("2024-05-01T");
    }

    @Test
    void aLogOfOnlyErrorsStaysWithinItsRoom() {
        String log = "FAIL x\n".repeat(2_000_000);

        String slim = FailureLogs.slim(log, 5_000);

        assertThat(slim.length()).isLessThanOrEqualTo(5_000);
        assertThat(slim).startsWith("FAIL x\n").contains("lines cut");
    }

    @Test
    void aCheckRunThatFitsIsKeptWhole() {
        assertThat(FailureLogs.slimCheckRun(
                        "2 failures", "Lint found 2 problems", "a.js:1 no-undef\nb.js:2 semi", 1_000))
                .isEqualTo("2 failures\n\nLint found 2 problems\n\na.js:1 no-undef\nb.js:2 semi");
        assertThat(FailureLogs.slimCheckRun(null, null, "only text", 1_000)).isEqualTo("only text");
        assertThat(FailureLogs.slimCheckRun("title\nover lines", "", null, 1_000))
                .isEqualTo("title over lines");
    }

    @Test
    void aLongCheckRunFitsAndKeepsItsErrors() {
        String summary = "summary line\n".repeat(2_000);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append(i == 10_000 ? "error: src/a.ts(3,1) cannot find name 'x'" : "ok " + i)
                    .append('\n');
        }

        String slim = FailureLogs.slimCheckRun("TypeScript", summary, text.toString(), 4_000);

        assertThat(slim.length()).isLessThanOrEqualTo(4_000);
        assertThat(slim).startsWith("TypeScript\n\nsummary line\n");
        assertThat(slim).contains("error: src/a.ts(3,1) cannot find name 'x'");
    }

    @Test
    void aCheckRunInTooLittleRoomIsCut() {
        for (int max : new int[] {0, 1, 5, 12, 30}) {
            String slim = FailureLogs.slimCheckRun("A rather long title", "summary", "Error: x", max);
            assertThat(slim.length()).as("max %d", max).isLessThanOrEqualTo(max);
        }
    }
}
