package dev.nightshift.github.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook delivery bodies as GitHub sends them to a GitHub App, for tests: the fields its webhook
 * reference documents for each event, with the ones a test cares about as parameters and the rest
 * filled in plausibly. Each returns the JSON text; {@link #sign} gives the
 * {@code X-Hub-Signature-256} header for it.
 *
 * <p>As on GitHub, {@code installation} and {@code installation_repositories} deliveries name the
 * repositories in a list and carry no {@code repository} object; the others carry one.
 */
public final class GitHubWebhookPayloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CREATED_AT = "2026-11-21T08:00:00Z";

    private GitHubWebhookPayloads() {}

    /**
     * What every delivery names: the App's installation it is for, the repository, and the sender
     * (a login ending in {@code [bot]} is a Bot, as on GitHub), on the GitHub at {@code web}/{@code api}.
     */
    public record Origin(URI web, URI api, long installationId, String ownerAndRepo, String senderLogin) {

        public Origin {
            Objects.requireNonNull(web, "web");
            Objects.requireNonNull(api, "api");
            if (!ownerAndRepo.matches("[^/]+/[^/]+")) {
                throw new IllegalArgumentException("expected owner/repo, got " + ownerAndRepo);
            }
            Objects.requireNonNull(senderLogin, "senderLogin");
        }

        /** On github.com. */
        public static Origin githubCom(long installationId, String ownerAndRepo, String senderLogin) {
            return new Origin(
                    URI.create("https://github.com"),
                    URI.create("https://api.github.com"),
                    installationId,
                    ownerAndRepo,
                    senderLogin);
        }

        /** On a {@link GitHubFake}, so URLs in the payload (clone_url…) lead to it. */
        public static Origin on(GitHubFake github, long installationId, String ownerAndRepo, String senderLogin) {
            return new Origin(github.webUrl(), github.apiUrl(), installationId, ownerAndRepo, senderLogin);
        }

        String owner() {
            return ownerAndRepo.substring(0, ownerAndRepo.indexOf('/'));
        }

        String name() {
            return ownerAndRepo.substring(ownerAndRepo.indexOf('/') + 1);
        }

        String repoApi() {
            return api + "/repos/" + ownerAndRepo;
        }

        String repoWeb() {
            return web + "/" + ownerAndRepo;
        }
    }

    /** {@code sha256=<hex HMAC-SHA256 of body with secret>}, the {@code X-Hub-Signature-256} header. */
    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- issue_comment ----------------------------------------------------------------------

    /**
     * {@code issue_comment} with {@code action} {@code created} or {@code deleted}: comment
     * {@code commentId} by {@code author} on issue {@code number}, which is a pull request when
     * {@code onPullRequest} ({@code issue.pull_request} is then present).
     */
    public static String issueComment(
            Origin o, String action, int number, boolean onPullRequest, long commentId, String author, String body) {
        ObjectNode root = event(action);
        root.set("issue", issue(o, number, "Issue " + number, "", o.owner(), onPullRequest, List.of(), null));
        root.set("comment", issueCommentJson(o, number, onPullRequest, commentId, author, body));
        return finish(root, o, true);
    }

    /** {@code issue_comment} {@code edited}, with the body before the edit in {@code changes}. */
    public static String issueCommentEdited(
            Origin o,
            int number,
            boolean onPullRequest,
            long commentId,
            String author,
            String body,
            String previousBody) {
        ObjectNode root = event("edited");
        root.putObject("changes").putObject("body").put("from", previousBody);
        root.set("issue", issue(o, number, "Issue " + number, "", o.owner(), onPullRequest, List.of(), null));
        root.set("comment", issueCommentJson(o, number, onPullRequest, commentId, author, body));
        return finish(root, o, true);
    }

    // ---- pull_request_review_comment --------------------------------------------------------

    /** {@code pull_request_review_comment} {@code created}: a comment on line {@code line} of {@code path}. */
    public static String pullRequestReviewComment(
            Origin o,
            int pullNumber,
            long commentId,
            String author,
            String path,
            int line,
            String body,
            String headRef,
            String headSha) {
        ObjectNode root = event("created");
        ObjectNode c = JSON.createObjectNode();
        c.put("url", o.repoApi() + "/pulls/comments/" + commentId);
        c.put("pull_request_review_id", commentId + 1);
        c.put("id", commentId);
        c.put("node_id", "PRRC_kwDO" + commentId);
        c.put("diff_hunk", "@@ -1,3 +1,4 @@");
        c.put("path", path);
        c.put("commit_id", headSha);
        c.put("original_commit_id", headSha);
        c.set("user", user(o, author));
        c.put("body", body);
        c.put("created_at", CREATED_AT);
        c.put("updated_at", CREATED_AT);
        c.put("html_url", o.repoWeb() + "/pull/" + pullNumber + "#discussion_r" + commentId);
        c.put("pull_request_url", o.repoApi() + "/pulls/" + pullNumber);
        c.put("author_association", association(o, author));
        c.putNull("start_line");
        c.putNull("original_start_line");
        c.putNull("start_side");
        c.put("line", line);
        c.put("original_line", line);
        c.put("side", "RIGHT");
        c.put("subject_type", "line");
        root.set("comment", c);
        root.set(
                "pull_request",
                pullRequestJson(
                        o,
                        pullNumber,
                        "Pull request " + pullNumber,
                        o.owner(),
                        headRef,
                        headSha,
                        "main",
                        false,
                        false,
                        "open"));
        return finish(root, o, true);
    }

    // ---- pull_request -----------------------------------------------------------------------

    /**
     * {@code pull_request} with {@code action} {@code opened}, {@code ready_for_review},
     * {@code synchronize} (new commits: {@code before}/{@code after} are set, {@code after} being
     * {@code headSha}) or {@code closed} ({@code merged} says whether by merging).
     */
    public static String pullRequest(
            Origin o,
            String action,
            int number,
            String title,
            String author,
            String headRef,
            String headSha,
            String baseRef,
            boolean draft,
            boolean merged) {
        ObjectNode root = event(action);
        root.put("number", number);
        if (action.equals("synchronize")) {
            root.put("before", "0".repeat(39) + "1");
            root.put("after", headSha);
        }
        String state = action.equals("closed") ? "closed" : "open";
        root.set(
                "pull_request",
                pullRequestJson(o, number, title, author, headRef, headSha, baseRef, draft, merged, state));
        return finish(root, o, true);
    }

    // ---- issues -----------------------------------------------------------------------------

    /** {@code issues} {@code assigned}: issue {@code number} assigned to {@code assignee}. */
    public static String issueAssigned(
            Origin o, int number, String title, String body, String author, String assignee) {
        ObjectNode root = event("assigned");
        root.set("issue", issue(o, number, title, body, author, false, List.of(), assignee));
        root.set("assignee", user(o, assignee));
        return finish(root, o, true);
    }

    /** {@code issues} {@code labeled}: {@code label} put on issue {@code number}. */
    public static String issueLabeled(Origin o, int number, String title, String body, String author, String label) {
        ObjectNode root = event("labeled");
        root.set("issue", issue(o, number, title, body, author, false, List.of(label), null));
        root.set("label", label(o, label));
        return finish(root, o, true);
    }

    // ---- CI ---------------------------------------------------------------------------------

    /**
     * {@code check_suite} {@code completed} with {@code conclusion} (e.g. {@code failure}) for
     * {@code headSha} on {@code headBranch}, listing the open pull requests it belongs to.
     */
    public static String checkSuite(
            Origin o, long suiteId, String conclusion, String headBranch, String headSha, List<Integer> pullNumbers) {
        ObjectNode root = event("completed");
        ObjectNode suite = root.putObject("check_suite");
        suite.put("id", suiteId);
        suite.put("node_id", "CS_kwDO" + suiteId);
        suite.put("head_branch", headBranch);
        suite.put("head_sha", headSha);
        suite.put("status", "completed");
        suite.put("conclusion", conclusion);
        suite.put("url", o.repoApi() + "/check-suites/" + suiteId);
        suite.put("before", "0".repeat(40));
        suite.put("after", headSha);
        suite.set("pull_requests", pullRefs(o, pullNumbers, headBranch, headSha));
        suite.set("app", actionsApp());
        suite.put("created_at", CREATED_AT);
        suite.put("updated_at", CREATED_AT);
        suite.put("rerequestable", true);
        suite.put("runs_rerequestable", true);
        suite.put("latest_check_runs_count", 1);
        suite.put("check_runs_url", o.repoApi() + "/check-suites/" + suiteId + "/check-runs");
        ObjectNode commit = suite.putObject("head_commit");
        commit.put("id", headSha);
        commit.put("tree_id", headSha);
        commit.put("message", "Change");
        commit.put("timestamp", CREATED_AT);
        return finish(root, o, true);
    }

    /**
     * {@code workflow_run} {@code completed} with {@code conclusion} (e.g. {@code failure}) for
     * {@code headSha} on {@code headBranch}, listing the open pull requests it belongs to.
     */
    public static String workflowRun(
            Origin o, long runId, String conclusion, String headBranch, String headSha, List<Integer> pullNumbers) {
        ObjectNode root = event("completed");
        String runApi = o.repoApi() + "/actions/runs/" + runId;
        ObjectNode run = root.putObject("workflow_run");
        run.put("id", runId);
        run.put("name", "CI");
        run.put("node_id", "WFR_kwLO" + runId);
        run.put("head_branch", headBranch);
        run.put("head_sha", headSha);
        run.put("path", ".github/workflows/ci.yml");
        run.put("display_title", "CI");
        run.put("run_number", runId % 1000);
        run.put("event", "pull_request");
        run.put("status", "completed");
        run.put("conclusion", conclusion);
        run.put("workflow_id", 161335);
        run.put("check_suite_id", runId + 1);
        run.put("check_suite_node_id", "CS_kwDO" + (runId + 1));
        run.put("url", runApi);
        run.put("html_url", o.repoWeb() + "/actions/runs/" + runId);
        run.set("pull_requests", pullRefs(o, pullNumbers, headBranch, headSha));
        run.put("created_at", CREATED_AT);
        run.put("updated_at", CREATED_AT);
        run.set("actor", user(o, o.senderLogin()));
        run.put("run_attempt", 1);
        run.put("run_started_at", CREATED_AT);
        run.set("triggering_actor", user(o, o.senderLogin()));
        run.put("jobs_url", runApi + "/jobs");
        run.put("logs_url", runApi + "/logs");
        run.put("check_suite_url", o.repoApi() + "/check-suites/" + (runId + 1));
        run.put("artifacts_url", runApi + "/artifacts");
        run.put("cancel_url", runApi + "/cancel");
        run.put("rerun_url", runApi + "/rerun");
        run.put("workflow_url", o.repoApi() + "/actions/workflows/161335");
        ObjectNode commit = run.putObject("head_commit");
        commit.put("id", headSha);
        commit.put("tree_id", headSha);
        commit.put("message", "Change");
        commit.put("timestamp", CREATED_AT);
        run.set("repository", repository(o));
        run.set("head_repository", repository(o));
        ObjectNode workflow = root.putObject("workflow");
        workflow.put("id", 161335);
        workflow.put("node_id", "W_kwDO161335");
        workflow.put("name", "CI");
        workflow.put("path", ".github/workflows/ci.yml");
        workflow.put("state", "active");
        return finish(root, o, true);
    }

    // ---- installations ----------------------------------------------------------------------

    /** {@code installation} {@code created} or {@code deleted}, with the repositories it covers. */
    public static String installation(Origin o, String action, List<String> repositories) {
        ObjectNode root = event(action);
        root.set("repositories", repositoryList(repositories));
        root.putNull("requester");
        return finish(root, o, false);
    }

    /**
     * {@code installation_repositories} {@code added} or {@code removed}: the installation now
     * covers, or no longer covers, {@code repositories}.
     */
    public static String installationRepositories(Origin o, String action, List<String> repositories) {
        ObjectNode root = event(action);
        root.put("repository_selection", "selected");
        root.set("repositories_added", action.equals("added") ? repositoryList(repositories) : JSON.createArrayNode());
        root.set(
                "repositories_removed",
                action.equals("removed") ? repositoryList(repositories) : JSON.createArrayNode());
        root.putNull("requester");
        return finish(root, o, false);
    }

    // ---- shapes -----------------------------------------------------------------------------

    private static ObjectNode event(String action) {
        ObjectNode root = JSON.createObjectNode();
        root.put("action", Objects.requireNonNull(action, "action"));
        return root;
    }

    /** Adds repository (unless an installation event), sender and installation, then writes the JSON. */
    private static String finish(ObjectNode root, Origin o, boolean withRepository) {
        if (withRepository) {
            root.set("repository", repository(o));
        }
        root.set("sender", user(o, o.senderLogin()));
        root.set("installation", installationJson(o, root.path("action").asText(), withRepository));
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Most deliveries carry only the installation's id and node id; the installation events carry
     * the whole object.
     */
    private static ObjectNode installationJson(Origin o, String action, boolean brief) {
        ObjectNode i = JSON.createObjectNode();
        i.put("id", o.installationId());
        i.put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + o.installationId());
        if (brief) {
            return i;
        }
        ObjectNode account = user(o, o.owner());
        account.put("type", "Organization");
        i.set("account", account);
        i.put("repository_selection", "selected");
        i.put("access_tokens_url", o.api() + "/app/installations/" + o.installationId() + "/access_tokens");
        i.put("repositories_url", o.api() + "/installation/repositories");
        i.put("html_url", o.web() + "/organizations/" + o.owner() + "/settings/installations/" + o.installationId());
        i.put("app_id", 424242);
        i.put("app_slug", "nightshift");
        i.put("target_id", id(o.owner()));
        i.put("target_type", "Organization");
        ObjectNode permissions = i.putObject("permissions");
        permissions.put("actions", "read");
        permissions.put("checks", "read");
        permissions.put("contents", "write");
        permissions.put("issues", "write");
        permissions.put("metadata", "read");
        permissions.put("pull_requests", "write");
        ArrayNode events = i.putArray("events");
        for (String e : List.of(
                "check_suite",
                "issue_comment",
                "issues",
                "pull_request",
                "pull_request_review_comment",
                "workflow_run")) {
            events.add(e);
        }
        i.put("created_at", CREATED_AT);
        i.put("updated_at", CREATED_AT);
        if (action.equals("deleted")) {
            i.put("suspended_at", (String) null);
        }
        return i;
    }

    private static ObjectNode repository(Origin o) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id(o.ownerAndRepo()));
        r.put("node_id", "R_kgDO" + id(o.ownerAndRepo()));
        r.put("name", o.name());
        r.put("full_name", o.ownerAndRepo());
        r.put("private", false);
        r.set("owner", user(o, o.owner()));
        r.put("html_url", o.repoWeb());
        r.put("description", (String) null);
        r.put("fork", false);
        r.put("url", o.repoApi());
        r.put("clone_url", o.repoWeb() + ".git");
        r.put("git_url", "git://" + o.web().getHost() + "/" + o.ownerAndRepo() + ".git");
        r.put("ssh_url", "git@" + o.web().getHost() + ":" + o.ownerAndRepo() + ".git");
        r.put("default_branch", "main");
        r.put("visibility", "public");
        return r;
    }

    private static ArrayNode repositoryList(List<String> repositories) {
        ArrayNode a = JSON.createArrayNode();
        for (String full : repositories) {
            ObjectNode r = a.addObject();
            r.put("id", id(full));
            r.put("node_id", "R_kgDO" + id(full));
            r.put("name", full.substring(full.indexOf('/') + 1));
            r.put("full_name", full);
            r.put("private", false);
        }
        return a;
    }

    private static ObjectNode user(Origin o, String login) {
        ObjectNode u = JSON.createObjectNode();
        u.put("login", login);
        u.put("id", id(login));
        u.put("node_id", "U_kgDO" + id(login));
        u.put("avatar_url", "https://avatars.githubusercontent.com/u/" + id(login) + "?v=4");
        u.put("url", o.api() + "/users/" + login);
        u.put("html_url", o.web() + "/" + login);
        u.put("type", login.endsWith("[bot]") ? "Bot" : "User");
        u.put("site_admin", false);
        return u;
    }

    private static ObjectNode label(Origin o, String name) {
        ObjectNode l = JSON.createObjectNode();
        l.put("id", id(o.ownerAndRepo() + "#" + name));
        l.put("node_id", "LA_kwDO" + id(name));
        l.put("url", o.repoApi() + "/labels/" + name.replace(" ", "%20"));
        l.put("name", name);
        l.put("color", "ededed");
        l.put("default", false);
        l.put("description", (String) null);
        return l;
    }

    private static ObjectNode issue(
            Origin o,
            int number,
            String title,
            String body,
            String author,
            boolean pullRequest,
            List<String> labels,
            String assignee) {
        String api = o.repoApi() + "/issues/" + number;
        String html = o.repoWeb() + (pullRequest ? "/pull/" : "/issues/") + number;
        ObjectNode i = JSON.createObjectNode();
        i.put("url", api);
        i.put("repository_url", o.repoApi());
        i.put("labels_url", api + "/labels{/name}");
        i.put("comments_url", api + "/comments");
        i.put("events_url", api + "/events");
        i.put("html_url", html);
        i.put("id", id(o.ownerAndRepo() + "#" + number));
        i.put("node_id", (pullRequest ? "PR_kwDO" : "I_kwDO") + id(o.ownerAndRepo() + "#" + number));
        i.put("number", number);
        i.put("title", title);
        i.set("user", user(o, author));
        ArrayNode labelArray = i.putArray("labels");
        labels.forEach(l -> labelArray.add(label(o, l)));
        i.put("state", "open");
        i.put("locked", false);
        ArrayNode assignees = i.putArray("assignees");
        if (assignee != null) {
            i.set("assignee", user(o, assignee));
            assignees.add(user(o, assignee));
        } else {
            i.putNull("assignee");
        }
        i.putNull("milestone");
        i.put("comments", 0);
        i.put("created_at", CREATED_AT);
        i.put("updated_at", CREATED_AT);
        i.putNull("closed_at");
        i.put("author_association", association(o, author));
        i.putNull("active_lock_reason");
        i.put("body", body);
        i.putNull("state_reason");
        if (pullRequest) {
            ObjectNode pr = i.putObject("pull_request");
            pr.put("url", o.repoApi() + "/pulls/" + number);
            pr.put("html_url", html);
            pr.put("diff_url", html + ".diff");
            pr.put("patch_url", html + ".patch");
            pr.putNull("merged_at");
            i.put("draft", false);
        }
        return i;
    }

    private static ObjectNode issueCommentJson(
            Origin o, int number, boolean onPullRequest, long commentId, String author, String body) {
        ObjectNode c = JSON.createObjectNode();
        c.put("url", o.repoApi() + "/issues/comments/" + commentId);
        c.put(
                "html_url",
                o.repoWeb() + (onPullRequest ? "/pull/" : "/issues/") + number + "#issuecomment-" + commentId);
        c.put("issue_url", o.repoApi() + "/issues/" + number);
        c.put("id", commentId);
        c.put("node_id", "IC_kwDO" + commentId);
        c.set("user", user(o, author));
        c.put("created_at", CREATED_AT);
        c.put("updated_at", CREATED_AT);
        c.put("author_association", association(o, author));
        c.put("body", body);
        c.putNull("performed_via_github_app");
        return c;
    }

    private static ObjectNode pullRequestJson(
            Origin o,
            int number,
            String title,
            String author,
            String headRef,
            String headSha,
            String baseRef,
            boolean draft,
            boolean merged,
            String state) {
        String html = o.repoWeb() + "/pull/" + number;
        ObjectNode p = JSON.createObjectNode();
        p.put("url", o.repoApi() + "/pulls/" + number);
        p.put("id", id(o.ownerAndRepo() + "!" + number));
        p.put("node_id", "PR_kwDO" + id(o.ownerAndRepo() + "!" + number));
        p.put("html_url", html);
        p.put("diff_url", html + ".diff");
        p.put("patch_url", html + ".patch");
        p.put("issue_url", o.repoApi() + "/issues/" + number);
        p.put("number", number);
        p.put("state", state);
        p.put("locked", false);
        p.put("title", title);
        p.set("user", user(o, author));
        p.put("body", "");
        p.put("created_at", CREATED_AT);
        p.put("updated_at", CREATED_AT);
        p.put("closed_at", state.equals("closed") ? CREATED_AT : null);
        p.put("merged_at", merged ? CREATED_AT : null);
        p.put("merge_commit_sha", merged ? headSha : null);
        p.putNull("assignee");
        p.putArray("assignees");
        p.putArray("requested_reviewers");
        p.putArray("labels");
        p.put("draft", draft);
        p.set("head", ref(o, headRef, headSha));
        p.set("base", ref(o, baseRef, "0".repeat(39) + "2"));
        p.put("author_association", association(o, author));
        p.put("merged", merged);
        p.putNull("mergeable");
        p.put("comments", 0);
        p.put("review_comments", 0);
        p.put("commits", 1);
        p.put("additions", 1);
        p.put("deletions", 0);
        p.put("changed_files", 1);
        return p;
    }

    private static ObjectNode ref(Origin o, String ref, String sha) {
        ObjectNode r = JSON.createObjectNode();
        r.put("label", o.owner() + ":" + ref);
        r.put("ref", ref);
        r.put("sha", sha);
        r.set("user", user(o, o.owner()));
        r.set("repo", repository(o));
        return r;
    }

    /** The short pull request objects check suites and workflow runs list. */
    private static ArrayNode pullRefs(Origin o, List<Integer> numbers, String headBranch, String headSha) {
        ArrayNode a = JSON.createArrayNode();
        for (int n : numbers) {
            ObjectNode p = a.addObject();
            p.put("url", o.repoApi() + "/pulls/" + n);
            p.put("id", id(o.ownerAndRepo() + "!" + n));
            p.put("number", n);
            ObjectNode head = p.putObject("head");
            head.put("ref", headBranch);
            head.put("sha", headSha);
            head.set("repo", shortRepo(o));
            ObjectNode base = p.putObject("base");
            base.put("ref", "main");
            base.put("sha", "0".repeat(39) + "2");
            base.set("repo", shortRepo(o));
        }
        return a;
    }

    private static ObjectNode shortRepo(Origin o) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id(o.ownerAndRepo()));
        r.put("url", o.repoApi());
        r.put("name", o.name());
        return r;
    }

    private static ObjectNode actionsApp() {
        ObjectNode app = JSON.createObjectNode();
        app.put("id", 15368);
        app.put("slug", "github-actions");
        app.put("node_id", "MDM6QXBwMTUzNjg=");
        app.put("name", "GitHub Actions");
        return app;
    }

    private static String association(Origin o, String login) {
        return login.equals(o.owner()) ? "OWNER" : "NONE";
    }

    /** A stable positive id for a name, so the same login or repository keeps its id across payloads. */
    private static long id(String name) {
        return (name.hashCode() & 0x7fffffffL) + 1;
    }
}
