package dev.nightshift.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nightshift.github.GitHubEvent.Actor;
import dev.nightshift.github.GitHubEvent.CheckCompleted;
import dev.nightshift.github.GitHubEvent.CommentEvent;
import dev.nightshift.github.GitHubEvent.InstallationChanged;
import dev.nightshift.github.GitHubEvent.IssueChanged;
import dev.nightshift.github.GitHubEvent.PullRequestChanged;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubEventsTest {

    private static final String REPO = "octo-org/hello-world";
    private static final long INSTALLATION = 57221733L;
    private static final Actor OCTOCAT = new Actor("octocat", 583231, false);
    private static final Actor APP = new Actor("nightshift[bot]", 190012345, true);

    private static final List<String> FIXTURES = List.of(
            "issue_comment.created",
            "pull_request_review_comment.created",
            "pull_request.synchronize",
            "issues.assigned",
            "check_suite.completed",
            "workflow_run.completed",
            "installation.created",
            "installation_repositories.added");

    @Test
    void readsACommentOnAPullRequest() {
        GitHubEvent event = parse("issue_comment", fixture("issue_comment.created"));

        assertThat(event)
                .isEqualTo(new CommentEvent(
                        "created",
                        REPO,
                        INSTALLATION,
                        1347,
                        true,
                        false,
                        2489012233L,
                        "@nightshift please also retry on 503",
                        new Actor("hubot", 1234567, false),
                        "https://github.com/octo-org/hello-world/pull/1347#issuecomment-2489012233",
                        null,
                        null));
        assertThat(event.installationId()).isEqualTo(INSTALLATION);
    }

    @Test
    void aCommentOnAnIssueIsNotOnAPullRequest() {
        ObjectNode payload = fixture("issue_comment.created");
        ((ObjectNode) payload.path("issue")).remove("pull_request");

        CommentEvent event = (CommentEvent) parse("issue_comment", payload);

        assertThat(event.pullRequest()).isFalse();
        assertThat(event.reviewComment()).isFalse();
        assertThat(event.number()).isEqualTo(1347);
    }

    @Test
    void editedAndDeletedCommentsAreEventsToo() {
        for (String action : List.of("edited", "deleted")) {
            ObjectNode payload = fixture("issue_comment.created");
            payload.put("action", action);

            assertThat(((CommentEvent) parse("issue_comment", payload)).action())
                    .isEqualTo(action);
        }
    }

    @Test
    void readsAReviewCommentWithItsFileAndLine() {
        GitHubEvent event = parse("pull_request_review_comment", fixture("pull_request_review_comment.created"));

        assertThat(event)
                .isEqualTo(new CommentEvent(
                        "created",
                        REPO,
                        INSTALLATION,
                        1347,
                        true,
                        true,
                        1861324470L,
                        "@nightshift[bot] make the attempts configurable",
                        OCTOCAT,
                        "https://github.com/octo-org/hello-world/pull/1347#discussion_r1861324470",
                        "src/main/java/org/example/Importer.java",
                        43));
    }

    @Test
    void aReviewCommentOnALineThePullRequestNoLongerHasHasNoLine() {
        ObjectNode payload = fixture("pull_request_review_comment.created");
        ((ObjectNode) payload.path("comment")).putNull("line");

        CommentEvent event = (CommentEvent) parse("pull_request_review_comment", payload);

        assertThat(event.line()).isNull();
        assertThat(event.path()).isEqualTo("src/main/java/org/example/Importer.java");
    }

    @Test
    void readsAPullRequestFromAFork() {
        GitHubEvent event = parse("pull_request", fixture("pull_request.synchronize"));

        Actor contributor = new Actor("contributor", 7777777, false);
        assertThat(event)
                .isEqualTo(new PullRequestChanged(
                        "synchronize",
                        REPO,
                        INSTALLATION,
                        1348,
                        true,
                        "fast-parser",
                        "contributor/hello-world",
                        "9049f1265b7d61be4a8904a9a27120d2064dab3b",
                        "main",
                        contributor,
                        contributor,
                        false,
                        "Speed up the parser",
                        "https://github.com/octo-org/hello-world/pull/1348"));
    }

    @Test
    void aDeletedForkLeavesNoHeadRepository() {
        ObjectNode payload = fixture("pull_request.synchronize");
        ((ObjectNode) payload.path("pull_request").path("head")).putNull("repo");

        assertThat(((PullRequestChanged) parse("pull_request", payload)).headRepository())
                .isNull();
    }

    @Test
    void aMergedPullRequestSaysSo() {
        ObjectNode payload = fixture("pull_request.synchronize");
        payload.put("action", "closed");
        ((ObjectNode) payload.path("pull_request")).put("merged", true);
        payload.set(
                "sender", Http.JSON.valueToTree(java.util.Map.of("login", "octocat", "id", 583231, "type", "User")));

        PullRequestChanged event = (PullRequestChanged) parse("pull_request", payload);

        assertThat(event.action()).isEqualTo("closed");
        assertThat(event.merged()).isTrue();
        assertThat(event.sender()).isEqualTo(OCTOCAT);
        assertThat(event.author().login()).isEqualTo("contributor");
    }

    @Test
    void readsAnIssueAssignedToTheApp() {
        GitHubEvent event = parse("issues", fixture("issues.assigned"));

        assertThat(event)
                .isEqualTo(new IssueChanged(
                        "assigned",
                        REPO,
                        INSTALLATION,
                        1402,
                        "Importer gives up on the first 503",
                        "When the API answers 503 the import stops.\n\n<!-- Please describe how to reproduce -->\n"
                                + "Run `import --all`.",
                        "nightshift[bot]",
                        null,
                        OCTOCAT,
                        "https://github.com/octo-org/hello-world/issues/1402"));
    }

    @Test
    void readsTheLabelOfALabeledIssue() {
        ObjectNode payload = fixture("issues.assigned");
        payload.put("action", "labeled");
        payload.remove("assignee");
        payload.set("label", Http.JSON.valueToTree(java.util.Map.of("id", 1, "name", "nightshift")));

        IssueChanged event = (IssueChanged) parse("issues", payload);

        assertThat(event.action()).isEqualTo("labeled");
        assertThat(event.labelName()).isEqualTo("nightshift");
        assertThat(event.assigneeLogin()).isNull();
    }

    @Test
    void anIssueWithoutABodyHasAnEmptyOne() {
        ObjectNode payload = fixture("issues.assigned");
        ((ObjectNode) payload.path("issue")).putNull("body");

        assertThat(((IssueChanged) parse("issues", payload)).body()).isEmpty();
    }

    @Test
    void readsACompletedCheckSuite() {
        GitHubEvent event = parse("check_suite", fixture("check_suite.completed"));

        assertThat(event)
                .isEqualTo(new CheckCompleted(
                        "check_suite",
                        REPO,
                        INSTALLATION,
                        31337042L,
                        "failure",
                        "nightshift/importer-retries",
                        "6dcb09b5b57875f334f61aebed695e2e4193db5e",
                        List.of(1347),
                        "CircleCI Checks",
                        ""));
    }

    @Test
    void readsACompletedWorkflowRun() {
        GitHubEvent event = parse("workflow_run", fixture("workflow_run.completed"));

        assertThat(event)
                .isEqualTo(new CheckCompleted(
                        "workflow_run",
                        REPO,
                        INSTALLATION,
                        11936741228L,
                        "failure",
                        "nightshift/importer-retries",
                        "6dcb09b5b57875f334f61aebed695e2e4193db5e",
                        List.of(1347),
                        "CI",
                        "https://github.com/octo-org/hello-world/actions/runs/11936741228"));
    }

    @Test
    void aCheckFromAForkHasNoBranchAndNoPullRequests() {
        ObjectNode payload = fixture("check_suite.completed");
        ((ObjectNode) payload.path("check_suite")).putNull("head_branch");
        ((ObjectNode) payload.path("check_suite")).putArray("pull_requests");

        CheckCompleted event = (CheckCompleted) parse("check_suite", payload);

        assertThat(event.headBranch()).isEmpty();
        assertThat(event.pullRequests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"requested", "rerequested", "in_progress", "queued"})
    void checksThatHaveNotCompletedAreNotEvents(String action) {
        ObjectNode suite = fixture("check_suite.completed");
        suite.put("action", action);
        ObjectNode run = fixture("workflow_run.completed");
        run.put("action", action);

        assertThat(GitHubEvents.parse("check_suite", bytes(suite))).isEmpty();
        assertThat(GitHubEvents.parse("workflow_run", bytes(run))).isEmpty();
    }

    @Test
    void readsTheRepositoriesOfANewInstallation() {
        GitHubEvent event = parse("installation", fixture("installation.created"));

        assertThat(event)
                .isEqualTo(new InstallationChanged(
                        "created", INSTALLATION, "octo-org", List.of(REPO, "octo-org/docs"), List.of()));
    }

    @Test
    void anUninstallListsTheRepositoriesLost() {
        ObjectNode payload = fixture("installation.created");
        payload.put("action", "deleted");

        assertThat(parse("installation", payload))
                .isEqualTo(new InstallationChanged(
                        "deleted", INSTALLATION, "octo-org", List.of(), List.of(REPO, "octo-org/docs")));
    }

    @Test
    void aSuspensionChangesNoRepositories() {
        ObjectNode payload = fixture("installation.created");
        payload.put("action", "suspend");

        InstallationChanged event = (InstallationChanged) parse("installation", payload);

        assertThat(event.repositoriesAdded()).isEmpty();
        assertThat(event.repositoriesRemoved()).isEmpty();
    }

    @Test
    void readsRepositoriesAddedToAnInstallation() {
        GitHubEvent event = parse("installation_repositories", fixture("installation_repositories.added"));

        assertThat(event)
                .isEqualTo(
                        new InstallationChanged("added", INSTALLATION, "octo-org", List.of("octo-org/api"), List.of()));
    }

    @Test
    void aDeliveryWithoutAnInstallationHasInstallationIdZero() {
        ObjectNode payload = fixture("issue_comment.created");
        payload.remove("installation");

        assertThat(parse("issue_comment", payload).installationId()).isZero();
    }

    @Test
    void botsAreToldByTypeOrByLogin() {
        ObjectNode payload = fixture("issue_comment.created");
        ObjectNode user = (ObjectNode) payload.path("comment").path("user");

        user.put("type", "Bot");
        assertThat(((CommentEvent) parse("issue_comment", payload)).author().bot())
                .isTrue();

        user.put("type", "User");
        user.put("login", "renovate[bot]");
        assertThat(((CommentEvent) parse("issue_comment", payload)).author())
                .isEqualTo(new Actor("renovate[bot]", 1234567, true));

        user.put("login", "botanist");
        assertThat(((CommentEvent) parse("issue_comment", payload)).author().bot())
                .isFalse();
    }

    @Test
    void theAppsOwnPullRequestHasABotAuthor() {
        ObjectNode payload = fixture("pull_request.synchronize");
        ((ObjectNode) payload.path("pull_request"))
                .set("user", Http.JSON.valueToTree(java.util.Map.of("login", "nightshift[bot]", "id", 190012345)));

        assertThat(((PullRequestChanged) parse("pull_request", payload)).author())
                .isEqualTo(APP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"push", "ping", "pull_request_review", "check_run", "Issue_Comment", ""})
    void otherEventsAreIgnored(String eventName) {
        for (String name : FIXTURES) {
            assertThat(GitHubEvents.parse(eventName, bytes(fixture(name)))).isEmpty();
        }
    }

    @Test
    void unknownActionsAreIgnored() {
        ObjectNode comment = fixture("issue_comment.created");
        comment.put("action", "pinned");
        ObjectNode pr = fixture("pull_request.synchronize");
        pr.put("action", "exploded");
        ObjectNode issue = fixture("issues.assigned");
        issue.remove("action");
        ObjectNode installation = fixture("installation_repositories.added");
        installation.put("action", 7);

        assertThat(GitHubEvents.parse("issue_comment", bytes(comment))).isEmpty();
        assertThat(GitHubEvents.parse("pull_request", bytes(pr))).isEmpty();
        assertThat(GitHubEvents.parse("issues", bytes(issue))).isEmpty();
        assertThat(GitHubEvents.parse("installation_repositories", bytes(installation)))
                .isEmpty();
    }

    @Test
    void anEventReadsOnlyItsOwnPayload() {
        // an issue_comment body under another event's name lacks what that event needs
        byte[] comment = bytes(fixture("issue_comment.created"));

        assertThat(GitHubEvents.parse("pull_request", comment)).isEmpty();
        assertThat(GitHubEvents.parse("pull_request_review_comment", comment)).isEmpty();
        assertThat(GitHubEvents.parse("check_suite", comment)).isEmpty();
        assertThat(GitHubEvents.parse("installation_repositories", comment)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "null",
                "[]",
                "\"a string\"",
                "42",
                "{",
                "{\"action\":\"created\"",
                "{\"action\":\"created\",\"issue\":{\"number\":1},\"comment\":{\"id\":1}}",
            })
    void malformedBodiesAreIgnored(String body) {
        for (String event : List.of("issue_comment", "pull_request", "issues", "check_suite", "installation")) {
            assertThat(GitHubEvents.parse(event, body.getBytes(StandardCharsets.UTF_8)))
                    .isEmpty();
        }
    }

    @Test
    void nullArgumentsAreIgnored() {
        assertThat(GitHubEvents.parse(null, bytes(fixture("issues.assigned")))).isEmpty();
        assertThat(GitHubEvents.parse("issues", null)).isEmpty();
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "issue").put("number", "1347")),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "issue").put("number", 13.47)),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "issue").put("number", 1e20)),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "issue").put("number", -1)),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "issue").put("number", 0)),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "comment").put("id", "2489012233")),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "comment").putArray("user")),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "comment").putObject("user")),
                change("issue_comment", "issue_comment.created", p -> p.put("repository", "octo-org/hello-world")),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "repository").put("full_name", 1)),
                change(
                        "issue_comment",
                        "issue_comment.created",
                        p -> obj(p, "repository").put("full_name", "")),
                change("issue_comment", "issue_comment.created", p -> p.putArray("comment")),
                change("issue_comment", "issue_comment.created", p -> p.put("action", "CREATED")),
                change(
                        "pull_request_review_comment",
                        "pull_request_review_comment.created",
                        p -> obj(p, "comment").putNull("path")),
                change(
                        "pull_request",
                        "pull_request.synchronize",
                        p -> obj(p, "pull_request").remove("head")),
                change(
                        "pull_request",
                        "pull_request.synchronize",
                        p -> obj(p, "pull_request", "head").put("sha", 9)),
                change("pull_request", "pull_request.synchronize", p -> p.remove("sender")),
                change("issues", "issues.assigned", p -> obj(p, "sender").putNull("login")),
                change(
                        "check_suite",
                        "check_suite.completed",
                        p -> obj(p, "check_suite").put("id", "31337042")),
                change(
                        "check_suite",
                        "check_suite.completed",
                        p -> obj(p, "check_suite").remove("head_sha")),
                change("workflow_run", "workflow_run.completed", p -> p.put("workflow_run", "x")),
                change(
                        "installation",
                        "installation.created",
                        p -> obj(p, "installation").put("id", true)),
                change("installation_repositories", "installation_repositories.added", p -> p.remove("installation")));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void requiredFieldsOfTheWrongTypeMakeNoEvent(String event, byte[] body) {
        assertThat(GitHubEvents.parse(event, body)).isEmpty();
    }

    @Test
    void optionalFieldsOfTheWrongTypeAreLeftEmpty() {
        ObjectNode comment = fixture("issue_comment.created");
        obj(comment, "comment").putObject("body").put("evil", true);
        obj(comment, "comment").put("html_url", 12);
        obj(comment, "issue").put("pull_request", "yes");
        comment.put("installation", "57221733");

        CommentEvent event = (CommentEvent) parse("issue_comment", comment);

        assertThat(event.body()).isEmpty();
        assertThat(event.htmlUrl()).isEmpty();
        assertThat(event.pullRequest()).isFalse();
        assertThat(event.installationId()).isZero();

        ObjectNode suite = fixture("check_suite.completed");
        obj(suite, "check_suite").putObject("pull_requests").put("number", 5);
        assertThat(((CheckCompleted) parse("check_suite", suite)).pullRequests())
                .isEmpty();

        ObjectNode installation = fixture("installation.created");
        installation
                .putArray("repositories")
                .add("octo-org/x")
                .add(3)
                .addObject()
                .put("full_name", "octo-org/y");
        assertThat(((InstallationChanged) parse("installation", installation)).repositoriesAdded())
                .containsExactly("octo-org/y");

        ObjectNode pr = fixture("pull_request.synchronize");
        obj(pr, "pull_request").put("draft", "true").put("merged", 1);
        PullRequestChanged changed = (PullRequestChanged) parse("pull_request", pr);
        assertThat(changed.draft()).isFalse();
        assertThat(changed.merged()).isFalse();
    }

    @Test
    void aMegabyteCommentIsReadWhole() {
        ObjectNode payload = fixture("issue_comment.created");
        String body = "@nightshift " + "x".repeat(1024 * 1024 - 12);
        obj(payload, "comment").put("body", body);

        assertThat(((CommentEvent) parse("issue_comment", payload)).body()).isEqualTo(body);
    }

    @Test
    void deeplyNestedBodiesAreIgnoredWithoutBlowingTheStack() {
        String nested = "{\"action\":\"created\",\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";

        assertThat(GitHubEvents.parse("issue_comment", nested.getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    @Test
    void invalidUtf8AndControlBytesAreIgnored() {
        byte[] body = {'{', '"', 'a', '"', ':', (byte) 0xC3, (byte) 0x28, 0, 1, '}'};

        assertThat(GitHubEvents.parse("issues", body)).isEmpty();
    }

    @Test
    void truncatedAndCorruptedPayloadsNeverThrow() {
        Random random = new Random(20261121L);
        for (String name : FIXTURES) {
            byte[] whole = bytes(fixture(name));
            String event = name.substring(0, name.indexOf('.'));
            for (int cut = 0; cut < whole.length; cut += 37) {
                byte[] truncated = java.util.Arrays.copyOf(whole, cut);
                assertThat(GitHubEvents.parse(event, truncated)).isEmpty();
            }
            for (int i = 0; i < 300; i++) {
                byte[] corrupted = whole.clone();
                for (int flips = 0; flips < 4; flips++) {
                    corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
                }
                assertThatCode(() -> GitHubEvents.parse(event, corrupted)).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void eachFixtureIsTheEventItsNameSays() {
        for (String name : FIXTURES) {
            String event = name.substring(0, name.indexOf('.'));
            assertThat(GitHubEvents.parse(event, bytes(fixture(name)))).as(name).isPresent();
        }
    }

    private static Arguments change(String event, String fixture, Consumer<ObjectNode> change) {
        ObjectNode payload = fixture(fixture);
        change.accept(payload);
        return Arguments.of(event, bytes(payload));
    }

    private static ObjectNode obj(ObjectNode root, String... path) {
        JsonNode node = root;
        for (String field : path) {
            node = node.path(field);
        }
        return (ObjectNode) node;
    }

    private static GitHubEvent parse(String event, ObjectNode payload) {
        Optional<GitHubEvent> parsed = GitHubEvents.parse(event, bytes(payload));
        assertThat(parsed).as(event).isPresent();
        return parsed.orElseThrow();
    }

    private static byte[] bytes(ObjectNode payload) {
        try {
            return Http.JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode fixture(String name) {
        try (InputStream in = GitHubEventsTest.class.getResourceAsStream("/events/" + name + ".json")) {
            assertThat(in).as(name).isNotNull();
            return (ObjectNode) Http.JSON.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
