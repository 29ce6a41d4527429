package dev.nightshift.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nightshift.github.GitHubEvent.Actor;
import dev.nightshift.github.GitHubEvent.CheckCompleted;
import dev.nightshift.github.GitHubEvent.CommentEvent;
import dev.nightshift.github.GitHubEvent.InstallationChanged;
import dev.nightshift.github.GitHubEvent.IssueChanged;
import dev.nightshift.github.GitHubEvent.PullRequestChanged;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the webhook deliveries Nightshift acts on into {@link GitHubEvent}s. Call it after
 * {@link Webhooks#verify} with the {@link Webhooks#EVENT_HEADER} value and the raw body.
 *
 * <p>Anything else is empty rather than an error: events and actions Nightshift has no use for, bodies
 * that are not JSON, and payloads missing what an event needs or carrying it with the wrong type.
 * A delivery comes from the network, so nothing it contains makes this throw. Stateless, so any
 * thread may call it.
 */
public final class GitHubEvents {

    static final Set<String> COMMENT_ACTIONS = Set.of("created", "edited", "deleted");

    /** GitHub's documented {@code pull_request} actions; a new one is ignored until added here. */
    static final Set<String> PULL_REQUEST_ACTIONS = Set.of(
            "assigned",
            "auto_merge_disabled",
            "auto_merge_enabled",
            "closed",
            "converted_to_draft",
            "demilestoned",
            "dequeued",
            "edited",
            "enqueued",
            "labeled",
            "locked",
            "milestoned",
            "opened",
            "ready_for_review",
            "reopened",
            "review_request_removed",
            "review_requested",
            "synchronize",
            "unassigned",
            "unlabeled",
            "unlocked");

    /** GitHub's documented {@code issues} actions; a new one is ignored until added here. */
    static final Set<String> ISSUE_ACTIONS = Set.of(
            "assigned",
            "closed",
            "deleted",
            "demilestoned",
            "edited",
            "labeled",
            "locked",
            "milestoned",
            "opened",
            "pinned",
            "reopened",
            "transferred",
            "typed",
            "unassigned",
            "unlabeled",
            "unlocked",
            "unpinned",
            "untyped");

    static final Set<String> INSTALLATION_ACTIONS =
            Set.of("created", "deleted", "suspend", "unsuspend", "new_permissions_accepted");
    static final Set<String> INSTALLATION_REPOSITORIES_ACTIONS = Set.of("added", "removed");

    private GitHubEvents() {}

    /**
     * The event in a delivery, or empty when Nightshift does not act on it or cannot read it.
     *
     * @param eventName the {@code X-GitHub-Event} header: issue_comment,
     *     pull_request_review_comment, pull_request, issues, check_suite, workflow_run,
     *     installation or installation_repositories
     * @param body the delivery's raw body
     */
    public static Optional<GitHubEvent> parse(String eventName, byte[] body) {
        if (eventName == null || body == null || body.length == 0) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Http.JSON.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(
                    switch (eventName) {
                        case "issue_comment" -> issueComment(root);
                        case "pull_request_review_comment" -> reviewComment(root);
                        case "pull_request" -> pullRequest(root);
                        case "issues" -> issue(root);
                        case "check_suite" -> checkSuite(root);
                        case "workflow_run" -> workflowRun(root);
                        case "installation" -> installation(root);
                        case "installation_repositories" -> installationRepositories(root);
                        default -> null;
                    });
        } catch (RuntimeException malformed) {
            // the readers return null for what they can not use; this is the last guard for a
            // payload shaped in a way they did not foresee, which is still not the caller's error
            return Optional.empty();
        }
    }

    private static CommentEvent issueComment(JsonNode root) {
        String action = action(root, COMMENT_ACTIONS);
        JsonNode issue = root.path("issue");
        JsonNode comment = root.path("comment");
        String repository = repository(root);
        Integer number = positiveInt(issue.path("number"));
        Long commentId = positiveLong(comment.path("id"));
        Actor author = actor(comment.path("user"));
        if (action == null || repository == null || number == null || commentId == null || author == null) {
            return null;
        }
        return new CommentEvent(
                action,
                repository,
                installationId(root),
                number,
                issue.path("pull_request").isObject(),
                false,
                commentId,
                textOrEmpty(comment.path("body")),
                author,
                textOrEmpty(comment.path("html_url")),
                null,
                null);
    }

    private static CommentEvent reviewComment(JsonNode root) {
        String action = action(root, COMMENT_ACTIONS);
        JsonNode comment = root.path("comment");
        String repository = repository(root);
        Integer number = positiveInt(root.path("pull_request").path("number"));
        Long commentId = positiveLong(comment.path("id"));
        Actor author = actor(comment.path("user"));
        String path = text(comment.path("path"));
        if (action == null
                || repository == null
                || number == null
                || commentId == null
                || author == null
                || path == null) {
            return null;
        }
        return new CommentEvent(
                action,
                repository,
                installationId(root),
                number,
                true,
                true,
                commentId,
                textOrEmpty(comment.path("body")),
                author,
                textOrEmpty(comment.path("html_url")),
                path,
                positiveInt(comment.path("line")));
    }

    private static PullRequestChanged pullRequest(JsonNode root) {
        String action = action(root, PULL_REQUEST_ACTIONS);
        JsonNode pr = root.path("pull_request");
        String repository = repository(root);
        Integer number = positiveInt(pr.path("number"));
        String headRef = text(pr.path("head").path("ref"));
        String headSha = text(pr.path("head").path("sha"));
        String baseRef = text(pr.path("base").path("ref"));
        Actor author = actor(pr.path("user"));
        Actor sender = actor(root.path("sender"));
        if (action == null
                || repository == null
                || number == null
                || headRef == null
                || headSha == null
                || baseRef == null
                || author == null
                || sender == null) {
            return null;
        }
        return new PullRequestChanged(
                action,
                repository,
                installationId(root),
                number,
                pr.path("draft").isBoolean() && pr.path("draft").booleanValue(),
                headRef,
                text(pr.path("head").path("repo").path("full_name")),
                headSha,
                baseRef,
                author,
                sender,
                pr.path("merged").isBoolean() && pr.path("merged").booleanValue(),
                textOrEmpty(pr.path("title")),
                textOrEmpty(pr.path("html_url")));
    }

    private static IssueChanged issue(JsonNode root) {
        String action = action(root, ISSUE_ACTIONS);
        JsonNode issue = root.path("issue");
        String repository = repository(root);
        Integer number = positiveInt(issue.path("number"));
        Actor sender = actor(root.path("sender"));
        if (action == null || repository == null || number == null || sender == null) {
            return null;
        }
        return new IssueChanged(
                action,
                repository,
                installationId(root),
                number,
                textOrEmpty(issue.path("title")),
                textOrEmpty(issue.path("body")),
                text(root.path("assignee").path("login")),
                text(root.path("label").path("name")),
                sender,
                textOrEmpty(issue.path("html_url")));
    }

    private static CheckCompleted checkSuite(JsonNode root) {
        JsonNode suite = root.path("check_suite");
        JsonNode app = suite.path("app");
        String name = text(app.path("name"));
        return completed(
                root,
                "check_suite",
                suite,
                name != null ? name : textOrEmpty(app.path("slug")),
                textOrEmpty(suite.path("html_url")));
    }

    private static CheckCompleted workflowRun(JsonNode root) {
        JsonNode run = root.path("workflow_run");
        String name = text(run.path("name"));
        return completed(
                root,
                "workflow_run",
                run,
                name != null ? name : textOrEmpty(root.path("workflow").path("name")),
                textOrEmpty(run.path("html_url")));
    }

    private static CheckCompleted completed(JsonNode root, String kind, JsonNode check, String name, String htmlUrl) {
        String repository = repository(root);
        Long id = positiveLong(check.path("id"));
        String headSha = text(check.path("head_sha"));
        if (!"completed".equals(text(root.path("action"))) || repository == null || id == null || headSha == null) {
            return null;
        }
        List<Integer> pullRequests = new ArrayList<>();
        for (JsonNode pr : array(check.path("pull_requests"))) {
            Integer number = positiveInt(pr.path("number"));
            if (number != null && !pullRequests.contains(number)) {
                pullRequests.add(number);
            }
        }
        return new CheckCompleted(
                kind,
                repository,
                installationId(root),
                id,
                textOrEmpty(check.path("conclusion")),
                textOrEmpty(check.path("head_branch")),
                headSha,
                pullRequests,
                name,
                htmlUrl);
    }

    private static InstallationChanged installation(JsonNode root) {
        String action = action(root, INSTALLATION_ACTIONS);
        Long id = positiveLong(root.path("installation").path("id"));
        if (action == null || id == null) {
            return null;
        }
        List<String> listed = repositoryNames(root.path("repositories"));
        return new InstallationChanged(
                action,
                id,
                textOrEmpty(root.path("installation").path("account").path("login")),
                action.equals("created") ? listed : List.of(),
                action.equals("deleted") ? listed : List.of());
    }

    private static InstallationChanged installationRepositories(JsonNode root) {
        String action = action(root, INSTALLATION_REPOSITORIES_ACTIONS);
        Long id = positiveLong(root.path("installation").path("id"));
        if (action == null || id == null) {
            return null;
        }
        return new InstallationChanged(
                action,
                id,
                textOrEmpty(root.path("installation").path("account").path("login")),
                repositoryNames(root.path("repositories_added")),
                repositoryNames(root.path("repositories_removed")));
    }

    private static List<String> repositoryNames(JsonNode repositories) {
        List<String> names = new ArrayList<>();
        for (JsonNode repository : array(repositories)) {
            String name = text(repository.path("full_name"));
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /** The account, or null when there is none or it has no login. */
    private static Actor actor(JsonNode user) {
        String login = text(user.path("login"));
        if (login == null || login.isEmpty()) {
            return null;
        }
        Long id = positiveLong(user.path("id"));
        boolean bot = "Bot".equals(text(user.path("type"))) || login.endsWith("[bot]");
        return new Actor(login, id == null ? 0 : id, bot);
    }

    private static String action(JsonNode root, Set<String> known) {
        String action = text(root.path("action"));
        return action != null && known.contains(action) ? action : null;
    }

    private static String repository(JsonNode root) {
        String name = text(root.path("repository").path("full_name"));
        return name != null && !name.isEmpty() ? name : null;
    }

    private static long installationId(JsonNode root) {
        Long id = positiveLong(root.path("installation").path("id"));
        return id == null ? 0 : id;
    }

    /** The elements of a JSON array; nothing for another type (iterating an object yields its values). */
    private static Iterable<JsonNode> array(JsonNode node) {
        return node.isArray() ? node : List.of();
    }

    /** A JSON string's value; null for a missing field, JSON null, or another type. */
    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    private static String textOrEmpty(JsonNode node) {
        String text = text(node);
        return text == null ? "" : text;
    }

    /** A JSON integer above zero that fits an int; null otherwise (strings, fractions, overflow). */
    private static Integer positiveInt(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.intValue() > 0 ? node.intValue() : null;
    }

    private static Long positiveLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() > 0 ? node.longValue() : null;
    }
}
