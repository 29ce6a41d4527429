package dev.nightshift.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bash in the foreground and the background, against a real sandbox. */
class BashToolTest {
    @TempDir
    static Path data;

    static TestSandbox box;
    final Tool bash = new BashTool();

    @BeforeAll
    static void start() {
        box = TestSandbox.start(data, "ses_bashtool");
    }

    @AfterAll
    static void stop() {
        box.close();
    }

    @Test
    void runsACommandAndStatesExitCodeAndTime() throws Exception {
        ToolResult r = box.context().call(bash, "{\"command\":\"echo hello; pwd\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).matches("(?s)hello\n/workspace\n\nexit code 0 after \\d+\\.\\d s");
    }

    @Test
    void aNonZeroExitIsAnAnswerNotAToolError() throws Exception {
        ToolResult r = box.context().call(bash, "{\"command\":\"echo out; echo oops >&2; exit 3\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).contains("out", "oops", "exit code 3 after");
        ToolResult silent = box.context().call(bash, "{\"command\":\"true\"}");
        assertThat(silent.content()).startsWith("(no output)\n\nexit code 0");
    }

    @Test
    void runsInAWorkdir() throws Exception {
        box.sh("mkdir -p sub/dir");
        ToolResult r = box.context().call(bash, "{\"command\":\"pwd\",\"workdir\":\"sub/dir\"}");
        assertThat(r.content()).startsWith("/workspace/sub/dir\n");
        ToolResult out = box.context().call(bash, "{\"command\":\"pwd\",\"workdir\":\"../..\"}");
        assertThat(out.error()).isTrue();
        assertThat(out.content()).contains("outside the workspace");
    }

    @Test
    void saysSoWhenTheCommandTimesOut() throws Exception {
        ToolResult r = box.context().call(bash, "{\"command\":\"echo started; sleep 30\",\"timeout_ms\":1000}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).startsWith("started\n").contains("timed out after", "(timeout_ms=1000)", "were killed");
    }

    @Test
    void cutsBigOutputKeepingHeadAndTail() throws Exception {
        ToolResult r = box.context().call(bash, "{\"command\":\"seq 1 200000; echo the-end\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content())
                .startsWith("1\n2\n3\n")
                .contains("characters of output cut here")
                .contains("199999\n200000\nthe-end")
                .matches("(?s).*\n\nexit code 0 after \\d+\\.\\d s");
        assertThat(r.content().length()).isBetween(BashTool.MAX_OUTPUT_CHARS, BashTool.MAX_OUTPUT_CHARS + 400);
        // seq 1 200000 prints 1,288,895 characters
        assertThat(r.content())
                .contains("[" + (1_288_895 + "the-end\n".length() - BashTool.MAX_OUTPUT_CHARS) + " characters");
    }

    @Test
    void startsADetachedServerAndReportsItRunningWithItsOutput() throws Exception {
        ToolResult r = box.context()
                .call(
                        bash,
                        "{\"command\":\"echo starting up; exec python3 -u -m http.server 8765 --bind 127.0.0.1\",\"detached\":true}");
        assertThat(r.error()).isFalse();
        assertThat(r.content())
                .contains("started in the background", "(process d", "still running", "first output:\nstarting up");
        await().atMost(Duration.ofSeconds(10)).until(() -> box.sandbox.ports().contains(8765));
        ToolResult curl = box.context()
                .call(
                        bash,
                        "{\"command\":\"curl -s -o /dev/null -w '%{http_code}' --noproxy '*' http://127.0.0.1:8765/\"}");
        assertThat(curl.content()).startsWith("200");
    }

    @Test
    void reportsADetachedCommandThatDiesAtOnce() throws Exception {
        ToolResult r = box.context().call(bash, "{\"command\":\"echo cannot bind >&2; exit 4\",\"detached\":true}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).contains("exited at once with exit code 4", "not running", "cannot bind");
    }

    @Test
    void runsInAReadOnlyExplorerButSaysNothingMayBeWritten() throws Exception {
        ToolResult r = box.readOnlyContext().call(bash, "{\"command\":\"echo looking\"}");
        assertThat(r.error()).isFalse();
        assertThat(r.content()).startsWith(BashTool.READ_ONLY_NOTE + "looking\n");
    }

    @Test
    void aStopKillsTheRunningCommand() throws Exception {
        TestSandbox.Context ctx = box.context();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            ctx.stop.set(true);
        });
        ToolResult r = ctx.call(bash, "{\"command\":\"echo working; sleep 60 && echo finished\"}");
        assertThat(r.error()).isTrue();
        assertThat(r.content()).contains("working", "the user asked to stop").doesNotContain("finished");
    }
}
