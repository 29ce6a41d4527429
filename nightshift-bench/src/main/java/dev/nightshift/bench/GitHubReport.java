package dev.nightshift.bench;

import static dev.nightshift.bench.Stats.fmt;
import static dev.nightshift.bench.Stats.fmtMs;

import java.util.Arrays;

/** Renders docs/benchmarks-github.md from one run's results. */
final class GitHubReport extends MarkdownReport {
    private final String githubCode;
    private final GitHubBenchmarks.Results r;

    GitHubReport(Machine machine, String githubCode, String command, double seconds, GitHubBenchmarks.Results results) {
        super(machine, command, seconds);
        this.githubCode = githubCode;
        this.r = results;
    }

    String render() {
        header("GitHub workplace benchmark", "GitHubBenchmarks");
        line("How long a mention of the GitHub App in an issue comment takes to show, and to become work: from the "
                + "moment GitHub sends the `issue_comment` delivery to the moment GitHub receives the 👀 reaction on "
                + "the comment, and to the moment the session's agent sends its first request to the model. Each stands "
                + "next to a floor measured in the same run: the webhook's own round trip for a comment that mentions "
                + "no one, and a person creating the same session and typing the same prompt through the API.");
        line();
        line("**Set-up.** A real Nightshift in this JVM, started as `nightshift serve` starts it: SQLite, bubblewrap "
                + "sandboxes, and the agent of `nightshift-agent` with its model gateway pointed at the agent tests' "
                + "scripted model (`FakeModelServer`, OpenAI streaming on loopback, answering `Done.` at once). "
                + "GitHub is the GitHub tests' fake (`GitHubFake`, loopback) with a GitHub App (`NIGHTSHIFT_GITHUB_APP_ID`, "
                + "its private key, `_API_URL`, `_WEB_URL`, `_WEBHOOK_SECRET`, `_APP_SLUG=" + GitHubLatency.SLUG
                + "`), installed on `" + GitHubLatency.REPOSITORY + "`. The repository is a small bare repository (two "
                + "commits, three files) served by git's own smart-HTTP server (`git http-backend`) on the fake's host, "
                + "so every session clones it over HTTP as from GitHub. The person, `" + GitHubLatency.LOGIN
                + "`, has write permission on GitHub, a Nightshift account linked to her GitHub account (`PUT "
                + "/api/users/" + GitHubLatency.LOGIN + "/identities`) and her GitHub token stored as her credential. "
                + "Rate limits are off (`NIGHTSHIFT_RATE_LIMITS=off`): a mention about every second is more than one "
                + "person's trigger budget allows (30 a minute), and this measures the "
                + "path, not the limiter.");
        line();
        line("**What is sent.** Each round makes a new issue on the fake, a comment by " + GitHubLatency.LOGIN
                + " on it that mentions `@" + GitHubLatency.SLUG + "`, and the `issue_comment` `created` delivery "
                + "GitHub would send for it (`GitHubWebhookPayloads`), signed with the webhook secret "
                + "(`X-Hub-Signature-256`, made before the clock starts: it is GitHub's work) and with a new "
                + "`X-GitHub-Delivery`, to `POST /webhooks/github`. A new issue each time, so each mention starts a "
                + "session of its own (issue, not pull request: the session gets a new branch). The same round "
                + "delivers a comment without a mention on another issue (floor a) and has the person create a "
                + "session on the same repository (`POST /api/sessions`) and queue the prompt the mention's session "
                + "got (`POST /api/sessions/{id}/prompts`; floor b). One keep-alive JDK `HttpClient` (HTTP/1.1) sends "
                + "everything, one request at a time; which of the mention and the person goes first alternates. "
                + "Every session's turn is left to finish (and, for a mention, its status comment to be edited to "
                + "its final text) and its sandbox destroyed before the next request. " + GitHubLatency.WARMUP
                + " rounds first, not counted, then " + GitHubLatency.MEASURED + ".");
        line();
        line("**Clocks.** All times are `System.nanoTime()` in this one JVM, from just before the request is sent. The "
                + "GitHub fake and the model fake are each stamped when a request's handler starts (request line and "
                + "headers in): the fakes keep their handlers private, so the benchmark replaces each one's `/` "
                + "context with a wrapper that stamps and calls the same handler (`TimedGitHub`, `TimedModel`); nothing "
                + "polls. The reaction is the `POST …/issues/comments/{id}/reactions` for that comment; the first "
                + "model request is checked to carry that session's prompt. The fakes' HTTP servers (the JDK's) run "
                + "with `sun.net.httpserver.nodelay=true`: with Nagle's algorithm on, the last small piece of each "
                + "answer would wait for the client's delayed ACK (about 40 ms on Linux), which GitHub and model "
                + "providers do not make their clients wait.");
        line();
        howToRun(
                AS_ROOT_FOR_THE_PROVIDER,
                GitHubBenchmarks.COMMAND,
                ", fakes included. It needs git and bubblewrap and the other sandbox tools on the host (see "
                        + "`docs/benchmarks-sandbox.md`). The server's data directory, its sandboxes and the "
                        + "repository live in temporary directories that are removed at the end; it overwrites this "
                        + "file (`NIGHTSHIFT_BENCH_OUT=<file>` writes elsewhere). It takes about two minutes.");
        machine();
        results();
        githubCalls();
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
        GitHubLatency.Result l = r.latency();
        if (l != null) {
            line("| Store | SQLite in the server's data directory, `synchronous=" + l.sqliteSynchronous()
                    + "` (the default) |");
        }
        line("| Model | `" + AgentLoop.MODEL + "` on `FakeModelServer` (loopback, zero latency, OpenAI streaming) |");
        line("| GitHub | `GitHubFake` on loopback (zero latency), the repository behind `git http-backend` on the same "
                + "host |");
        codeRows("GitHub", githubCode);
        line();
        if (l != null && !l.capabilities().isEmpty()) {
            line("Sandboxes (the provider's `capabilities()`): " + String.join("; ", l.capabilities()) + ".");
            line();
        }
        javaVersion();
    }

    private void results() {
        GitHubLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## Results");
        line();
        line("| Measurement | p50 | p90 | p99 | mean | n | p50 / floor | p99 / floor |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|");
        row(l.ignored(), l.ignored());
        row(l.reaction(), l.ignored());
        row(l.byHand(), l.byHand());
        row(l.mentionToModel(), l.byHand());
        line();
        line("Where the time goes (the same rounds, split at the answer each path waits for):");
        line();
        line("| Measurement | p50 | p90 | p99 | mean | n |");
        line("|---|---:|---:|---:|---:|---:|");
        for (Series s :
                new Series[] {l.mentionAnswered(), l.answeredToModel(), l.byHandAccepted(), l.acceptedToModel()}) {
            line("| " + s.name() + " | " + fmtMs(s.p50()) + " | " + fmtMs(s.p(0.9)) + " | " + fmtMs(s.p(0.99)) + " | "
                    + fmtMs(mean(s)) + " | " + s.n() + " |");
        }
        line();
    }

    private void row(Series s, Series floor) {
        boolean isFloor = s == floor;
        line("| " + s.name() + " | " + fmtMs(s.p50()) + " | " + fmtMs(s.p(0.9)) + " | " + fmtMs(s.p(0.99)) + " | "
                + fmtMs(mean(s)) + " | " + s.n() + " | "
                + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p50(), floor.p50())) + " | "
                + (isFloor ? "1.00× (floor)" : Stats.ratio(s.p(0.99), floor.p(0.99))) + " |");
    }

    private void githubCalls() {
        GitHubLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## What a mention asks of GitHub");
        line();
        line("The requests the GitHub fake received for each mention, from its delivery to its status comment's final "
                + "edit, by route (mean per mention over the measured ones; numbers and the repository taken out of "
                + "the paths), and how many of them arrived before the delivery's answer reached the sender. A "
                + "fraction there is a race, not a request made by halves: the trigger pipeline starts the session "
                + "and posts the status comment on its own thread as soon as the trigger is stored, and its first "
                + "requests sometimes reach GitHub before the sender has read the webhook's answer.");
        line();
        line("| Request | per mention | before the answer |");
        line("|---|---:|---:|");
        for (GitHubLatency.RouteCount c : l.githubRoutes()) {
            line("| `" + c.route() + "` | " + count(c.perMention()) + " | " + count(c.beforeAnswer()) + " |");
        }
        line("| **all** | " + count(l.githubCalls()) + " | " + count(l.githubCallsBeforeAnswer()) + " |");
        line();
        line("The last measured mention's requests, in order: "
                + String.join(
                        " → ",
                        l.oneMention().stream()
                                .map(x -> x.equals(GitHubLatency.ANSWER) ? "*" + x + "*" : "`" + x + "`")
                                .toList())
                + ".");
        line();
    }

    private static String count(double n) {
        return fmt(n, Math.abs(n - Math.rint(n)) < 1e-9 ? 0 : 2);
    }

    private void interpretation() {
        GitHubLatency.Result l = r.latency();
        if (l == null) {
            return;
        }
        line("## What the numbers mean, and what they don't");
        line();
        int reactionAt = position(l.oneMention(), "/reactions");
        line("- **👀** arrived at GitHub " + fmtMs(l.reaction().p50()) + " after the delivery was sent (p50; p90 "
                + fmtMs(l.reaction().p(0.9)) + ", p99 " + fmtMs(l.reaction().p(0.99)) + "), against "
                + fmtMs(l.ignored().p50()) + " for a whole round trip of a delivery that is checked (HMAC of the "
                + "body), recorded once (its delivery id) and parsed, and then ignored: "
                + Stats.ratio(l.reaction().p50(), l.ignored().p50()) + " at p50, "
                + Stats.ratio(l.reaction().p(0.99), l.ignored().p(0.99)) + " at p99. "
                + (reactionAt > 0
                        ? "The reaction is request " + reactionAt + " of the mention: before it, only the "
                                + "commenter's permission is asked of GitHub (the App's installation token comes "
                                + "from `GitHubApp`'s cache, fetched by the first mention of the run, in the "
                                + "warm-up), so against the real GitHub the 👀 waits for about two round trips "
                                + "there, one for the permission and the reaction's own."
                        : "This run did not see the reaction among the last mention's requests."));
        long extra = l.mentionToModel().p50() - l.byHand().p50();
        line("- **First model request:** " + fmtMs(l.mentionToModel().p50()) + " after the delivery was sent (p50; "
                + "p99 " + fmtMs(l.mentionToModel().p(0.99)) + "), against "
                + fmtMs(l.byHand().p50())
                + " when the person creates the same session and prompt by hand ("
                + Stats.ratio(l.mentionToModel().p50(), l.byHand().p50()) + ", " + signedMs(extra) + " at p50; "
                + Stats.ratio(l.mentionToModel().p(0.99), l.byHand().p(0.99)) + " at p99). Most of either is "
                + "the same work after the request is answered: a new sandbox, the clone of the repository and the "
                + "agent's turn start took " + fmtMs(l.answeredToModel().p50()) + " after the mention's answer and "
                + fmtMs(l.acceptedToModel().p50()) + " after the person's `202` (p50). What differs is before "
                + "that: the delivery's answer took "
                + fmtMs(l.mentionAnswered().p50()) + " against "
                + fmtMs(l.byHandAccepted().p50()) + " for the person's two requests, because the webhook "
                + "answers only once the trigger is stored, and before that it reads the issue and its comments "
                + "from GitHub for the prompt (about " + Math.round(l.githubCallsBeforeAnswer()) + " requests to "
                + "GitHub before the answer, table above). After the answer, the mention's session is started by the "
                + "trigger pipeline (lease, gate, session and prompt as the person), and its status comment is "
                + "posted on the pipeline's thread while the turn starts.");
        double repoReads = perMention(l, "GET /repos/{repo}");
        double issueReads = perMention(l, "GET /repos/{repo}/issues/{n}");
        if (repoReads >= 1) {
            line("- **Requests that could go:** every mention read the repository (`GET /repos/{repo}`) "
                    + count(repoReads) + " times and the issue " + count(issueReads) + " times. `GitHubRest.issue`, "
                    + "`GitHubRest.comments` and `GitHubRest.comment` each go through hub4j's "
                    + "`getRepository(…).getIssue(n)`, which fetches both before the call that is wanted, so "
                    + "reading the issue and its comments takes five requests where two would do, and posting the "
                    + "status comment three where one would. Against the loopback fake they cost little; against "
                    + "GitHub each is a network round trip, and the ones before the answer delay both the answer "
                    + "and the session.");
        }
        line("- **What they don't say:** GitHub and the model are fakes on loopback that answer at once, so GitHub's "
                + "network round trips (about " + Math.round(l.githubCallsBeforeAnswer()) + " before the answer "
                + "here) and "
                + "the model's own latency come on top and would dominate; the repository is tiny, so the clone is "
                + "as cheap as a clone gets (a large one is measured in `docs/benchmarks-git.md`); the prompt was "
                + fmt(l.promptChars(), 0) + " characters; one mention at a time on an otherwise idle server, on "
                + "SQLite; only issue comments (a pull request comment reads the pull request instead of the issue "
                + "and its comments); a p99 of " + l.reaction().n() + " samples is the "
                + fromTop(l.reaction().n())
                + ", so it moves with any hiccup of a shared machine; and one run says nothing about variance "
                + "between runs.");
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

    /** The 1-based position of the first route containing {@code part} among the requests, or 0. */
    private static int position(java.util.List<String> sequence, String part) {
        int n = 0;
        for (String s : sequence) {
            if (s.equals(GitHubLatency.ANSWER)) {
                continue;
            }
            n++;
            if (s.contains(part)) {
                return n;
            }
        }
        return 0;
    }

    private static double perMention(GitHubLatency.Result l, String route) {
        return l.githubRoutes().stream()
                .filter(c -> c.route().equals(route))
                .mapToDouble(GitHubLatency.RouteCount::perMention)
                .findFirst()
                .orElse(0);
    }

    /** A difference in milliseconds with its sign: "+1.20 ms", "−0.40 ms". */
    private static String signedMs(long nanos) {
        return (nanos < 0 ? "−" : "+") + fmtMs(Math.abs(nanos));
    }

    private static long mean(Series s) {
        return (long) Arrays.stream(s.sorted()).average().orElse(0);
    }
}
