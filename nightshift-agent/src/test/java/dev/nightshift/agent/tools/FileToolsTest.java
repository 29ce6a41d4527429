package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** read, write, edit and ls against a real sandbox. */
class FileToolsTest {
    @TempDir
    static Path data;

    static TestSandbox box;
    static TestSandbox.Context ctx;
    final Tool read = new ReadTool();
    final Tool write = new WriteTool();
    final Tool edit = new EditTool();
    final Tool ls = new LsTool();

    @BeforeAll
    static void start() {
        box = TestSandbox.start(data, "ses_filetools");
        ctx = box.context();
    }

    @AfterAll
    static void stop() {
        box.close();
    }

    private static String lines(int from, int to, String prefix) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).collect(Collectors.joining("\n", "", "\n"));
    }

    // -- read -----------------------------------------------------------------------------------

    @Test
    void readShowsNumberedLinesLikeCatN() throws Exception {
        box.write("read/abc.txt", "alpha\nbeta\ngamma\n");
        ToolResult r = ctx.call(read, "{\"path\":\"read/abc.txt\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).isEqualTo("     1\talpha\n     2\tbeta\n     3\tgamma");
    }

    @Test
    void readTakesAnOffsetAndALimitAndSaysWhereToGoOn() throws Exception {
        box.write("read/ten.txt", lines(1, 10, "line "));
        ToolResult r = ctx.call(read, "{\"path\":\"read/ten.txt\",\"offset\":3,\"limit\":2}");
        assertThat(r.content()).isEqualTo("     3\tline 3\n     4\tline 4\n… 6 more lines; read with offset=5");
        ToolResult last = ctx.call(read, "{\"path\":\"read/ten.txt\",\"offset\":9}");
        assertThat(last.content()).isEqualTo("     9\tline 9\n    10\tline 10");
    }

    @Test
    void readShowsTwoThousandLinesByDefault() throws Exception {
        box.write("read/long.txt", lines(1, 3234, "row "));
        ToolResult r = ctx.call(read, "{\"path\":\"read/long.txt\"}");
        assertThat(r.content())
                .contains("  2000\trow 2000")
                .doesNotContain("row 2001")
                .endsWith("… 1234 more lines; read with offset=2001");
        assertThat(r.content().lines().count()).isEqualTo(2001);
        ToolResult next = ctx.call(read, "{\"path\":\"read/long.txt\",\"offset\":2001}");
        assertThat(next.content()).startsWith("  2001\trow 2001").endsWith("  3234\trow 3234");
    }

    @Test
    void readCountsALastLineWithoutNewline() throws Exception {
        box.write("read/nonl.txt", "one\ntwo");
        assertThat(ctx.call(read, "{\"path\":\"read/nonl.txt\",\"limit\":1}").content())
                .isEqualTo("     1\tone\n… 1 more line; read with offset=2");
    }

    @Test
    void readCutsLongLinesAndKeepsTheWholeAnswerWithinItsBudget() throws Exception {
        box.write("read/wide.txt", "x".repeat(5_000) + "\nshort\n");
        ToolResult r = ctx.call(read, "{\"path\":\"read/wide.txt\"}");
        assertThat(r.content())
                .contains("x".repeat(2_000) + "… [line cut at 2000 characters]")
                .doesNotContain("x".repeat(2_001))
                .contains("     2\tshort");

        String thousand = "y".repeat(1_000);
        box.write(
                "read/big.txt", IntStream.range(0, 300).mapToObj(i -> thousand).collect(Collectors.joining("\n")));
        ToolResult big = ctx.call(read, "{\"path\":\"read/big.txt\"}");
        assertThat(big.content().length()).isLessThanOrEqualTo(ReadTool.MAX_OUTPUT_CHARS + 200);
        long shown = big.content().lines().filter(l -> l.contains("\ty")).count();
        assertThat(big.content())
                .endsWith("… " + (300 - shown) + " more lines (the answer is limited to 100000 characters); "
                        + "read with offset=" + (shown + 1));
    }

    @Test
    void readKeepsUtf8AndHidesTheCrOfCrlfFiles() throws Exception {
        box.write("read/utf8.txt", "héllo ✓ 😀\r\nzwei\r\n");
        ToolResult r = ctx.call(read, "{\"path\":\"read/utf8.txt\"}");
        assertThat(r.content())
                .isEqualTo("     1\théllo ✓ 😀\n     2\tzwei\n(the file has CRLF line endings; the CRs are not shown)");
    }

    @Test
    void readRefusesBinaryFilesDirectoriesAndMissingFiles() throws Exception {
        box.sandbox.writeFile("read/image.bin", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2});
        ToolResult binary = ctx.call(read, "{\"path\":\"read/image.bin\"}");
        assertThat(binary.error()).isTrue();
        assertThat(binary.content()).contains("binary file");

        box.sh("mkdir -p read/dir");
        ToolResult dir = ctx.call(read, "{\"path\":\"read/dir\"}");
        assertThat(dir.error()).isTrue();
        assertThat(dir.content()).contains("is a directory", "use ls");

        ToolResult missing = ctx.call(read, "{\"path\":\"read/nope.txt\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("'read/nope.txt' does not exist");
    }

    @Test
    void readAnswersOffsetsPastTheEndAndEmptyFiles() throws Exception {
        box.write("read/three.txt", "a\nb\nc\n");
        ToolResult past = ctx.call(read, "{\"path\":\"read/three.txt\",\"offset\":10}");
        assertThat(past.error()).isTrue();
        assertThat(past.content()).contains("offset 10 is past the end", "has 3 lines");
        box.write("read/empty.txt", "");
        assertThat(ctx.call(read, "{\"path\":\"read/empty.txt\"}").content()).contains("is empty");
    }

    @Test
    void readTakesWorkspacePathsAndRefusesWaysOut() throws Exception {
        box.write("read/abs.txt", "absolute\n");
        assertThat(ctx.call(read, "{\"path\":\"/workspace/read/abs.txt\"}").content())
                .isEqualTo("     1\tabsolute");
        assertThat(ctx.call(read, "{\"path\":\"./read/../read/abs.txt\"}").content())
                .isEqualTo("     1\tabsolute");
        ToolResult up = ctx.call(read, "{\"path\":\"../etc/passwd\"}");
        assertThat(up.error()).isTrue();
        assertThat(up.content()).contains("outside the workspace");
        ToolResult abs = ctx.call(read, "{\"path\":\"/etc/passwd\"}");
        assertThat(abs.error()).isTrue();
        assertThat(abs.content()).contains("outside the workspace");
        box.sh("ln -sf /etc/passwd read/link");
        ToolResult link = ctx.call(read, "{\"path\":\"read/link\"}");
        assertThat(link.error()).isTrue();
        assertThat(link.content()).contains("outside the workspace");
    }

    // -- write ----------------------------------------------------------------------------------

    @Test
    void writeCreatesParentDirectoriesAndReplacesFiles() throws Exception {
        ToolResult r = ctx.call(write, "{\"path\":\"w/deep/er/new.txt\",\"content\":\"one\\ntwo\\n\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).isEqualTo("wrote 8 bytes (2 lines) to 'w/deep/er/new.txt'");
        assertThat(box.read("w/deep/er/new.txt")).isEqualTo("one\ntwo\n");
        ctx.call(write, "{\"path\":\"w/deep/er/new.txt\",\"content\":\"ü\"}");
        assertThat(box.read("w/deep/er/new.txt")).isEqualTo("ü");
        ToolResult empty = ctx.call(write, "{\"path\":\"w/empty.txt\",\"content\":\"\"}");
        assertThat(empty.content()).contains("0 bytes");
    }

    @Test
    void writeRefusesDirectoriesAndPathsOutOfTheWorkspace() throws Exception {
        box.sh("mkdir -p w/adir");
        ToolResult dir = ctx.call(write, "{\"path\":\"w/adir\",\"content\":\"x\"}");
        assertThat(dir.error()).isTrue();
        assertThat(dir.content()).contains("is a directory");
        ToolResult out = ctx.call(write, "{\"path\":\"../escape.txt\",\"content\":\"x\"}");
        assertThat(out.error()).isTrue();
        assertThat(out.content()).contains("outside the workspace");
    }

    // -- edit -----------------------------------------------------------------------------------

    @Test
    void editReplacesAUniqueStringAndShowsTheChange() throws Exception {
        box.write("e/one.java", "class A {\n    int x = 1;\n    int y = 2;\n}\n");
        ToolResult r = ctx.call(
                edit, "{\"path\":\"e/one.java\",\"old_string\":\"int x = 1;\",\"new_string\":\"int x = 42;\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).isEqualTo("""
                replaced 1 occurrence in 'e/one.java':
                     1\tclass A {
                     2\t    int x = 42;
                     3\t    int y = 2;
                     4\t}""");
        assertThat(box.read("e/one.java")).isEqualTo("class A {\n    int x = 42;\n    int y = 2;\n}\n");
    }

    @Test
    void editFailsHelpfullyWhenTheStringIsAbsentOrAmbiguous() throws Exception {
        String content = "a = 1\nb = 1\nc = 1\n";
        box.write("e/three.txt", content);
        ToolResult absent =
                ctx.call(edit, "{\"path\":\"e/three.txt\",\"old_string\":\"a  = 1\",\"new_string\":\"a = 2\"}");
        assertThat(absent.error()).isTrue();
        assertThat(absent.content()).contains("not found", "read the file first", "whitespace");
        ToolResult ambiguous =
                ctx.call(edit, "{\"path\":\"e/three.txt\",\"old_string\":\"= 1\",\"new_string\":\"= 2\"}");
        assertThat(ambiguous.error()).isTrue();
        assertThat(ambiguous.content()).contains("found 3 times", "replace_all");
        ToolResult same =
                ctx.call(edit, "{\"path\":\"e/three.txt\",\"old_string\":\"a = 1\",\"new_string\":\"a = 1\"}");
        assertThat(same.error()).isTrue();
        assertThat(same.content()).contains("the same");
        ToolResult empty = ctx.call(edit, "{\"path\":\"e/three.txt\",\"old_string\":\"\",\"new_string\":\"x\"}");
        assertThat(empty.error()).isTrue();
        assertThat(box.read("e/three.txt")).as("refused edits change nothing").isEqualTo(content);
    }

    @Test
    void editReplacesEveryOccurrenceWithReplaceAll() throws Exception {
        box.write("e/all.txt", "a = 1\nb = 1\nc = 1\n");
        ToolResult r = ctx.call(
                edit, "{\"path\":\"e/all.txt\",\"old_string\":\"= 1\",\"new_string\":\"= 2\",\"replace_all\":true}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).startsWith("replaced 3 occurrences");
        assertThat(box.read("e/all.txt")).isEqualTo("a = 2\nb = 2\nc = 2\n");
    }

    @Test
    void editRefusesMissingFilesAndDirectoriesAndKeepsCrlf() throws Exception {
        ToolResult missing = ctx.call(edit, "{\"path\":\"e/none.txt\",\"old_string\":\"a\",\"new_string\":\"b\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).contains("does not exist", "write");
        box.sh("mkdir -p e/d");
        assertThat(ctx.call(edit, "{\"path\":\"e/d\",\"old_string\":\"a\",\"new_string\":\"b\"}")
                        .content())
                .contains("directory");

        box.write("e/dos.txt", "first\r\nsecond\r\nthird\r\n");
        ToolResult crlf = ctx.call(
                edit, "{\"path\":\"e/dos.txt\",\"old_string\":\"first\\nsecond\",\"new_string\":\"1st\\n2nd\"}");
        assertThat(crlf.error()).as(crlf.content()).isFalse();
        assertThat(box.read("e/dos.txt")).isEqualTo("1st\r\n2nd\r\nthird\r\n");
    }

    // -- ls -------------------------------------------------------------------------------------

    @Test
    void lsListsDirectoriesFirstWithSizes() throws Exception {
        box.write("l/b.txt", "12345");
        box.write("l/a.txt", "x".repeat(2048));
        box.sh("mkdir -p l/zdir l/adir && ln -sf b.txt l/link");
        ToolResult r = ctx.call(ls, "{\"path\":\"l\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).isEqualTo("""
                'l': 2 directories, 3 other entries
                adir/
                zdir/
                a.txt  2.0 KiB
                b.txt  5 B
                link  (symbolic link)""");
    }

    @Test
    void lsSaysWhenItCutsTheList() throws Exception {
        box.sh("mkdir -p many && cd many && for i in $(seq 1 150); do echo $i > f$i.txt; done && mkdir sub");
        ToolResult r = ctx.call(ls, "{\"path\":\"many\"}");
        assertThat(r.content()
                        .lines()
                        .filter(l -> l.startsWith("f") || l.equals("sub/"))
                        .count())
                .isEqualTo(100);
        assertThat(r.content())
                .contains("\nsub/\n")
                .endsWith("… 51 more entries not shown; use glob to find specific files");
    }

    @Test
    void lsListsTheWorkspaceByDefaultAndExplainsMistakes() throws Exception {
        box.write("rootfile.txt", "r");
        assertThat(ctx.call(ls, "{}").content()).startsWith("the workspace:").contains("rootfile.txt  1 B");
        assertThat(ctx.call(ls, "null").content()).startsWith("the workspace:");
        ToolResult missing = ctx.call(ls, "{\"path\":\"nowhere\"}");
        assertThat(missing.error()).isTrue();
        assertThat(missing.content()).isEqualTo("'nowhere' does not exist");
        ToolResult file = ctx.call(ls, "{\"path\":\"rootfile.txt\"}");
        assertThat(file.error()).isTrue();
        assertThat(file.content()).contains("is a file", "use read");
        box.sh("mkdir -p emptydir");
        assertThat(ctx.call(ls, "{\"path\":\"emptydir\"}").content()).isEqualTo("'emptydir' is empty");
    }
}
