package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.fmt;
import static dev.nightshift.bench.Stats.fmtMs;

import java.util.Arrays;
import java.util.List;

/** Renders docs/benchmarks-chat.md from one run's results. */
final class ChatReport extends MarkdownReport {
    /** How long Slack waits for an Events API request's answer before it counts it as failed and retries it. */
    static final long SLACK_ACK_LIMIT_NANOS = 3_000_000_000L;

    private final String slackCode;
    private final String linearCode;
    private final ChatBenchmarks.Results r;

    ChatReport(
            Machine machine,
            String slackCode,
            String linearCode,
            String command,
            double seconds,
            ChatBenchmarks.Results results) {
        super(machine, command, seconds);
        this.slackCode = slackCode;
        this.linearCode = linearCode;
        this.r = results;
    }

    String render() {
        header("Slack and Linear workplace benchmark", "ChatBenchmarks");
        line("How long a request for work in Slack or Linear takes to be acknowledged and to get its first answer "
                + "there. Slack: from the moment Slack sends an `app_mention` event to the moment it receives the "
                + "HTTP answer (Slack waits at most 3 s, then counts the delivery as failed and retries it), to the "
                + "👀 reaction on the message, and to the status message the server posts in the thread. Linear: "
                + "from the moment Linear sends the delivery for an issue delegated to the app to its HTTP answer, "
                + "and to the \"Working on it in a Nightshift session\" comment on the issue. Each acknowledgement "
                + "stands next to a floor measured in the same run: a signed delivery, sent the same way, that the "
                + "server checks and then ignores.");
        line();
        line("**Set-up.** A real Nightshift in this JVM, started as `nightshift serve` starts it: SQLite and "
                + "bubblewrap sandboxes. The turn executor is scripted, as in `SlackWorkplaceTest` and "
                + "`LinearWorkplaceTest`: it takes the session's sandbox (made and checked out on first use, as "
                + "the agent's first tool call would) and returns, changing nothing; everything measured here happens "
                + "before or beside that, so no model is involved. Slack is the Slack tests' fake (`SlackFake`, Web "
                + "API on loopback) with `NIGHTSHIFT_SLACK_BOT_TOKEN`, `_SIGNING_SECRET`, `_API_URL` and "
                + "`_CHANNEL_REPOSITORIES=" + ChatLatency.CHANNEL + "=…` (Events API over HTTP; no app token, so "
                + "no Socket Mode). Linear is the Linear tests' fake (`LinearFake`, GraphQL on loopback) with "
                + "`NIGHTSHIFT_LINEAR_ACCESS_TOKEN`, `_WEBHOOK_SECRET`, `_API_URL` and `_REPOSITORIES="
                + ChatLatency.TEAM_KEY + "=…`. Both map to one small bare repository (two commits, three files) "
                + "served by git's own smart-HTTP server (`git http-backend`) on the GitHub fake's host. The "
                + "person, `" + ChatLatency.LOGIN + "`, has a Nightshift account linked to her Slack and her Linear "
                + "account (`PUT /api/users/" + ChatLatency.LOGIN + "/identities`) and her GitHub token stored as "
                + "her credential. Rate limits are off (`NIGHTSHIFT_RATE_LIMITS=off`): two requests for work about "
                + "every second are more than one person's trigger budget allows, and this measures the path, not "
                + "the limiter.");
        line();
        line("**What is sent.** Each round sends four requests. (1) A mention of the app by the person in channel `"
                + ChatLatency.CHANNEL + "` (`SlackPayloads.appMention`, a new message `ts`, so a thread and a "
                + "session of its own, and a new `event_id`), signed as Slack signs (`X-Slack-Signature`, "
                + "`X-Slack-Request-Timestamp`), to `POST /webhooks/slack/events`. (2) The floor for it: the app's "
                + "own message as Slack echoes it (`SlackPayloads.ownMessage`, new `ts` and `event_id`), signed the "
                + "same way: checked, recorded once by its event id, parsed and ignored. (3) A new issue on the "
                + "Linear fake, delegated by the person to the app user (`LinearWebhookPayloads.issueDelegated`), "
                + "signed with `Linear-Signature` and a new `Linear-Delivery`, to `POST /webhooks/linear`. (4) The "
                + "floor for it: an update that only changed an issue's title (`LinearWebhookPayloads.issueRetitled`): "
                + "checked, parsed, no assignment, ignored (before the delivery id is recorded, so it is a slightly "
                + "lower floor than Slack's). Signatures are made before the clock starts: they are Slack's and "
                + "Linear's work. One keep-alive JDK `HttpClient` (HTTP/1.1) sends everything, one request at a "
                + "time; the order of the four reverses every other round. Every session's turn is left to finish, "
                + "its final word posted (the status message's last edit; the issue's `Done.` comment) and its "
                + "sandbox destroyed before the next request. " + ChatLatency.WARMUP + " rounds first, not counted, "
                + "then " + ChatLatency.MEASURED + ".");
        line();
        line("**Clocks.** All times are `System.nanoTime()` in this one JVM, from just before the request is sent. The "
                + "Slack and Linear fakes are stamped when a request's handler starts (request line and headers in): "
                + "the fakes keep their handlers private, so the benchmark replaces each one's context with a wrapper "
                + "that stamps, keeps a copy of the body to tell which thread or issue a call is for, and calls the "
                + "same handler (`TimedFake`, as `TimedGitHub` does for the GitHub fake); nothing polls. The status "
                + "message is the first `chat.postMessage` whose `thread_ts` is the mention's `ts`; the comment is "
                + "the first `commentCreate` whose `issueId` is the delegated issue. Both fakes' HTTP servers run "
                + "with `sun.net.httpserver.nodelay=true`, as the fakes set it.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                ChatBenchmarks.COMMAND,
                ", fakes included. It needs git and bubblewrap and the other sandbox tools on the host (see "
                        + "`docs/benchmarks-sandbox.md`). The server's data directory, its sandboxes and the "
                        + "repository live in temporary directories that are removed at the end; it overwrites this "
                        + "file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes about two minutes.");
        machine();
        results();
        calls();
        interpretation();
        failures(r.errors());
        return markdown();
    }

    private void machine() {
        machineRows();
        loadAverageRowNotingBusy(
                r.loadBefore(),
                r.loadAfter(),
                " (a 1-minute load near the CPU count or above means other work shared the machine)");
        ChatLatency.Result l = r.latency();
        if (l != null) {
            line("| Store | SQLite in the server's data directory, `synchronous=" + l.sqliteSynchronous()
                    + "` (the default) |");
        }
        line("| Slack | `SlackFake` on loopback (zero latency), Events API over HTTP |");
        line("| Linear | `LinearFake` on loopback (zero latency) |");
        line("| Turn executor | scripted: takes the sandbox, returns |");
        line("| Slack code measured | " + slackCode + " |");
        line("| Linear code measured | " + linearCode + " |");
        line("| Other modules | " + machine.code() + " |");
        line();
        if (l != null && !l.capabilities().isEmpty()) {
            line("Sandboxes (the provider's `capabilities()`): " + String.join("; ", l.capabilities()) + ".");
            line();
        }
        javaVersion();
    }

    private void results() {
        ChatLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## Results");
        line();
        line("| Measurement | p50 | p90 | p99 | mean | n | p50 / floor | p99 / floor |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        row(l.slackIgnored(), l.slackIgnored());
        row(l.slackAck(), l.slackIgnored());
        row(l.slackReaction(), l.slackIgnored());
        row(l.slackStatus(), l.slackIgnored());
        row(l.linearIgnored(), l.linearIgnored());
        row(l.linearAck(), l.linearIgnored());
        row(l.linearComment(), l.linearIgnored());
        line();
        long worst = l.slackAck().sorted()[l.slackAck().n() - 1];
        line("Slack's limit for the acknowledgement is 3 s: p99 "
                + fmtMs(l.slackAck().p(0.99)) + ", slowest of "
                + l.slackAck().n() + " " + fmtMs(worst) + ", the slowest at "
                + fmt(100.0 * worst / SLACK_ACK_LIMIT_NANOS, 1) + " % of the limit: "
                + met(worst < SLACK_ACK_LIMIT_NANOS) + " in this run.");
        line();
    }

    private void row(Series s, Series floor) {
        boolean isFloor = s == floor;
        line("| " + s.name() + " | " + fmtMs(s.p50()) + " | " + fmtMs(s.p(0.9)) + " | " + fmtMs(s.p(0.99)) + " | "
                + fmtMs(mean(s)) + " | " + s.n() + " | "
                + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p50(), floor.p50())) + " | "
                + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p(0.99), floor.p(0.99))) + " |");
    }

    private void calls() {
        ChatLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## What a request for work asks of Slack and Linear");
        line();
        line("The requests each fake received for one request for work, from its delivery to the turn's final word "
                + "there, by Web API method or GraphQL operation (mean per request over the measured ones), and how "
                + "many arrived before the delivery's answer reached the sender. A fraction there is a race: the "
                + "trigger pipeline starts the session and tells Slack or Linear on its own thread as soon as the "
                + "trigger is stored, and its first requests sometimes arrive before the sender has read the answer.");
        line();
        callTable("Slack method", l.slackCalls(), l.slackSequence());
        callTable("Linear operation", l.linearCalls(), l.linearSequence());
    }

    private void callTable(String what, List<ChatLatency.RouteCount> counts, List<String> sequence) {
        line("| " + what + " | per request | before the answer |");
        line("|---|---:|---:|");
        double all = 0;
        double before = 0;
        for (ChatLatency.RouteCount c : counts) {
            line("| `" + c.route() + "` | " + count(c.perRequest()) + " | " + count(c.beforeAnswer()) + " |");
            all += c.perRequest();
            before += c.beforeAnswer();
        }
        line("| **all** | " + count(all) + " | " + count(before) + " |");
        line();
        line("The last measured one's, in order: "
                + String.join(
                        " → ",
                        sequence.stream()
                                .map(x -> x.equals(ChatLatency.ANSWER) ? "*" + x + "*" : "`" + x + "`")
                                .toList())
                + ".");
        line();
    }

    private static String count(double n) {
        return fmt(n, Math.abs(n - Math.rint(n)) < 1e-9 ? 0 : 2);
    }

    /** Calls of {@code route} per request for work: all of them, or those before the answer. */
    private static double perRequest(List<ChatLatency.RouteCount> counts, String route, boolean beforeAnswer) {
        return counts.stream()
                .filter(c -> c.route().equals(route))
                .mapToDouble(c -> beforeAnswer ? c.beforeAnswer() : c.perRequest())
                .findFirst()
                .orElse(0);
    }

    private static String percent(double fraction) {
        return fmt(100 * fraction, 0) + " %";
    }

    private static double before(List<ChatLatency.RouteCount> counts) {
        return counts.stream().mapToDouble(ChatLatency.RouteCount::beforeAnswer).sum();
    }

    private void interpretation() {
        ChatLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## What the numbers mean, and what they don't");
        line();
        line("- **Slack's acknowledgement** came " + fmtMs(l.slackAck().p50()) + " after the event was sent (p50; p99 "
                + fmtMs(l.slackAck().p(0.99)) + "), "
                + Stats.ratio(l.slackAck().p50(), l.slackIgnored().p50())
                + " the " + fmtMs(l.slackIgnored().p50()) + " of an event that is checked (HMAC of timestamp and "
                + "body), recorded once by its event id, parsed and ignored. On top of that the mention looks up the "
                + "linked person, adds 👀 on Slack and stores the trigger before it answers. The one Slack call the "
                + "answer waits for is `reactions.add` (" + count(perRequest(l.slackCalls(), "reactions.add", true))
                + " per mention before the answer; `auth.test` is asked once per server, in the warm-up), so against "
                + "the real Slack the acknowledgement takes one Slack round trip more than here. The "
                + "`chat.postMessage` counted before the answer in "
                + percent(perRequest(l.slackCalls(), "chat.postMessage", true))
                + " of the mentions is the race described above, not a call the answer waits for. Against the 3 s "
                + "Slack allows, the slowest acknowledgement here used "
                + fmt(100.0 * l.slackAck().sorted()[l.slackAck().n() - 1] / SLACK_ACK_LIMIT_NANOS, 1)
                + " %.");
        line("- **The status message** reached Slack " + fmtMs(l.slackStatus().p50()) + " after the event was sent "
                + "(p50; p99 " + fmtMs(l.slackStatus().p(0.99)) + "): once the trigger is stored (just before the "
                + "answer is sent), the trigger pipeline on its own thread takes it, gates it, creates the session and "
                + "queues the prompt, and only then posts; the turn (the sandbox being made) starts at the same time "
                + "and competes for the same "
                + machine.nproc().strip() + " CPUs.");
        line("- **Linear's acknowledgement** came " + fmtMs(l.linearAck().p50()) + " after the delivery was sent (p50; "
                + "p99 " + fmtMs(l.linearAck().p(0.99)) + "), "
                + Stats.ratio(l.linearAck().p50(), l.linearIgnored().p50())
                + " the " + fmtMs(l.linearIgnored().p50()) + " of a delivery that is checked, parsed and ignored. "
                + "Before answering, the server reads the issue and its comments from Linear for the prompt "
                + "(`NightshiftIssue`, one GraphQL request; the app user's id is asked once per server, in the "
                + "warm-up), so against the real Linear the answer waits for that round trip. Of the "
                + count(before(l.linearCalls())) + " requests per delegation counted before the answer, the rest "
                + "is the race described above.");
        line(
                "- **The \"Working on it\" comment** reached Linear "
                        + fmtMs(l.linearComment().p50()) + " after the "
                        + "delivery was sent (p50; p99 "
                        + fmtMs(l.linearComment().p(0.99)) + "). Before posting it the "
                        + "pipeline moves the issue to the team's started state (`LinearWorkplace`'s sink), which reads the "
                        + "issue again, reads the team's states and updates the issue: three round trips to Linear after the "
                        + "answer and ahead of the first thing the person sees (the sequence above). The second read of the "
                        + "issue repeats the one made for the prompt a few milliseconds earlier; posting the comment before "
                        + "moving the issue would save the person those three round trips. Each delegation posts two comments: \"Working on it\" and, when the turn ends, `Done.`.");
        line("- **What they don't say:** Slack, Linear and GitHub are fakes on loopback that answer at once, so their "
                + "network round trips come on top, and those before the answer count against Slack's 3 s; one "
                + "request at a time on an otherwise idle server, on SQLite; only channel mentions over the Events "
                + "API (Socket Mode, direct messages and thread replies take the same `deliver` path but are not "
                + "measured) and only delegation in Linear (an agent session Linear opens reports as activities "
                + "instead of comments); a p99 of " + l.slackAck().n() + " samples is the "
                + fromTop(l.slackAck().n())
                + ", so it moves with any hiccup of a shared machine; and one run says nothing about variance between "
                + "runs.");
        line();
    }

    /** Which sample, counted from the slowest, a nearest-rank p99 of {@code n} samples is. */
    private static String fromTop(int n) {
        int k = n - (int) Math.ceil(0.99 * n) + 1;
        return switch (k) {
            case 1 -> "slowest one";
            case 2 -> "second-slowest one";
            case 3 -> "third-slowest one";
            default -> k + "th-slowest one";
        };
    }

    private static long mean(Series s) {
        return (long) Arrays.stream(s.sorted()).average().orElse(0);
    }
}
