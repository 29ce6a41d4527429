package dev.nightshift.server.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.github.fake.GitHubFake;
import dev.nightshift.linear.fake.LinearFake;
import dev.nightshift.linear.fake.LinearWebhookPayloads;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.GitHubRepo;
import dev.nightshift.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linear end to end: the Linear fake (GraphQL) for the tracker, the GitHub fake and a real git
 * smart-HTTP server for the repository, a real Nightshift with real sandboxes, and signed webhook
 * deliveries modelled on Linear's. The agent is a scripted executor that writes its prompt to a file,
 * so its turns commit, push and open a pull request.
 */
class LinearWorkplaceTest {
    static final String SECRET = "lin_wh_secret_1";
    static final String CONTACT = "#nightshift-help";

    @TempDir
    Path dir;

    LinearFake linear;
    GitHubFake github;
    GitHubRepo repo;
    TestServer server;
    String ada;
    String team;
    final List<String> prompts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        linear = LinearFake.start();
        ada = linear.addUser("Ada Lovelace");
        team = linear.addTeam("ENG", "Engineering");
        repo = GitHubRepo.start(dir, 42);
        github = repo.github();
        server = TestServer.start(
                Map.of(
                        "NIGHTSHIFT_GITHUB_API_URL",
                        github.apiUrl().toString(),
                        "NIGHTSHIFT_GITHUB_WEB_URL",
                        github.webUrl().toString(),
                        "NIGHTSHIFT_GIT_INTERNAL_HOSTS",
                        "127.0.0.1",
                        "NIGHTSHIFT_LINEAR_ACCESS_TOKEN",
                        linear.appToken(),
                        "NIGHTSHIFT_LINEAR_WEBHOOK_SECRET",
                        SECRET,
                        "NIGHTSHIFT_LINEAR_API_URL",
                        linear.endpoint().toString(),
                        "NIGHTSHIFT_LINEAR_REPOSITORIES",
                        "ENG=" + repo.url(),
                        "NIGHTSHIFT_ADMIT_DOMAINS",
                        "example.com",
                        "NIGHTSHIFT_ADMISSION_CONTACT",
                        CONTACT),
                p -> {
                    p.sandboxes = true;
                    p.executor = turn -> {
                        prompts.add(turn.message().content());
                        Sandbox sandbox = turn.sandbox();
                        sandbox.writeFile(
                                "notes/turn-" + prompts.size() + ".txt",
                                turn.message().content().getBytes(StandardCharsets.UTF_8));
                    };
                });
        repo.addAda(server);
        ApiClient.Response linked = server.admin.put(
                "/api/users/ada/identities",
                Map.of("kind", "linear", "issuer", linear.organizationId(), "subject", ada, "login", "ada"));
        assertThat(linked.status()).as(linked.raw()).isIn(200, 201);
    }

    @AfterEach
    void tearDown() {
        server.close();
        github.close();
        linear.close();
    }

    HttpResponse<String> deliver(String body, String signature) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/webhooks/linear"))
                                .header("Content-Type", "application/json")
                                .header("Linear-Signature", signature)
                                .header("Linear-Delivery", UUID.randomUUID().toString())
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> deliver(String body) throws Exception {
        return deliver(body, LinearWebhookPayloads.sign(body, SECRET));
    }

    @Test
    void anIssueGivenToTheAgentEndsInReviewWithItsPullRequestAttachedAndACommentFollowsUp() throws Exception {
        String issue =
                linear.addIssue(team, "Crash on empty search", "Searching with nothing typed shows a 500.", List.of());
        HttpResponse<String> delegated = deliver(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), ada, Instant.now()));
        assertThat(delegated.body()).as(delegated.body()).contains("started");

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(linear.attachments(issue)).hasSize(1));
        String prUrl = linear.attachments(issue).getFirst().url();
        assertThat(prUrl).contains("/acme/app/pull/");
        assertThat(github.pullRequests("acme/app"))
                .singleElement()
                .satisfies(pr -> assertThat(pr.author()).isEqualTo("ada"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(linear.stateOf(issue).name()).isEqualTo("In Review"));
        assertThat(prompts.getFirst()).contains("Crash on empty search").contains("shows a 500");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(linear.comments(issue))
                        .extracting(LinearFake.Comment::body)
                        .anySatisfy(b -> assertThat(b).startsWith("Working on it in a Nightshift session"))
                        .anySatisfy(b -> assertThat(b).startsWith("Done.").contains("Pull request: " + prUrl)));

        // a comment on the issue is a follow-up in the same session
        HttpResponse<String> comment = deliver(LinearWebhookPayloads.commentCreated(
                linear.organizationId(),
                UUID.randomUUID().toString(),
                linear.issueData(issue),
                "also handle spaces",
                ada,
                Instant.now()));
        assertThat(comment.body()).contains("follow-up");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
        assertThat(prompts.getLast()).isEqualTo("also handle spaces");
    }

    @Test
    void strangersForgedAndStaleDeliveriesStartNothing() throws Exception {
        String issue = linear.addIssue(team, "Somebody else's", "…", List.of());
        String stranger = linear.addUser("Mallory");
        String fromStranger = LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), stranger, Instant.now());
        assertThat(deliver(fromStranger).body()).contains("unlinked");
        assertThat(linear.comments(issue))
                .extracting(LinearFake.Comment::body)
                .singleElement()
                .satisfies(b -> assertThat(b).contains("Ask a Nightshift administrator (" + CONTACT + ")"));

        String body = LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), ada, Instant.now());
        assertThat(deliver(body, LinearWebhookPayloads.sign(body, "not-the-secret"))
                        .statusCode())
                .isEqualTo(401);
        String stale = LinearWebhookPayloads.issueDelegated(
                linear.organizationId(),
                linear.issueData(issue),
                linear.appUserId(),
                ada,
                Instant.now().minusSeconds(600));
        HttpResponse<String> refused = deliver(stale);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(prompts).isEmpty();
    }

    @Test
    void anAgentSessionLinearOpensIsReportedThroughActivitiesAndItsPromptsFollowUp() throws Exception {
        String issue = linear.addIssue(team, "Tidy the changelog", "It has duplicates.", List.of());
        String agentSession = linear.addAgentSession(issue);
        HttpResponse<String> created = deliver(LinearWebhookPayloads.agentSessionCreated(
                linear.organizationId(),
                linear.appUserId(),
                agentSession,
                linear.issueData(issue),
                ada,
                "Tidy it",
                Instant.now()));
        assertThat(created.body()).as(created.body()).contains("started");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(linear.activities(agentSession))
                        .extracting(a -> a.content().path("body").asText())
                        .anySatisfy(b -> assertThat(b).startsWith("Working on it in a Nightshift session"))
                        .anySatisfy(b -> assertThat(b).startsWith("Done.")));
        assertThat(linear.comments(issue)).isEmpty(); // all of it went to the agent session
        assertThat(linear.attachments(issue)).hasSize(1);

        HttpResponse<String> prompted = deliver(LinearWebhookPayloads.agentSessionPrompted(
                linear.organizationId(),
                linear.appUserId(),
                agentSession,
                linear.issueData(issue),
                UUID.randomUUID().toString(),
                ada,
                "now sort it by date",
                null,
                Instant.now()));
        assertThat(prompted.body()).contains("follow-up");
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
        assertThat(prompts.getLast()).isEqualTo("now sort it by date");
    }

    @Test
    void someoneUnlinkedWhoseEmailIsAdmittedIsLinkedOnFirstContactAndTheSessionIsTheirs() throws Exception {
        String katherine = UUID.randomUUID().toString();
        linear.addUser(katherine, "Katherine Johnson", "katherine@example.com", true);
        String issue = linear.addIssue(team, "Round the totals", "Totals show 12 decimals.", List.of());

        HttpResponse<String> delegated = deliver(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), katherine, Instant.now()));

        assertThat(delegated.body()).as(delegated.body()).contains("started");
        ApiClient.Response identities = server.admin.get("/api/users/katherine/identities");
        assertThat(identities.status()).as(identities.raw()).isEqualTo(200);
        assertThat(identities.body().path("identities")).singleElement().satisfies(i -> {
            assertThat(i.path("kind").asText()).isEqualTo("linear");
            assertThat(i.path("issuer").asText()).isEqualTo(linear.organizationId());
            assertThat(i.path("subject").asText()).isEqualTo(katherine);
        });
        String katherineId = userId("katherine");
        assertThat(server.admin.get("/api/users").body().path("users"))
                .filteredOn(u -> u.path("id").asText().equals(katherineId))
                .singleElement()
                .satisfies(u -> {
                    assertThat(u.path("name").asText()).isEqualTo("Katherine Johnson");
                    assertThat(u.path("email").asText()).isEqualTo("katherine@example.com");
                });
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 1);
        assertThat(prompts.getFirst()).contains("Round the totals");
        assertThat(server.admin.get("/api/sessions").body().path("sessions"))
                .singleElement()
                .satisfies(session ->
                        assertThat(session.path("creatorId").asText()).isEqualTo(katherineId));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(linear.comments(issue))
                        .extracting(LinearFake.Comment::body)
                        .anySatisfy(b -> assertThat(b).contains("\n\nSession: ")));

        // linked now: her comment follows up without asking Linear who she is again
        HttpResponse<String> comment = deliver(LinearWebhookPayloads.commentCreated(
                linear.organizationId(),
                UUID.randomUUID().toString(),
                linear.issueData(issue),
                "two decimals, please",
                katherine,
                Instant.now()));
        assertThat(comment.body()).as(comment.body()).contains("follow-up");
        assertThat(linear.requests())
                .filteredOn(r -> r.rootField().equals("user"))
                .hasSize(1);
        await().atMost(Duration.ofSeconds(90)).until(() -> prompts.size() == 2);
    }

    @Test
    void someoneTheAdmissionPolicyRefusesGetsNoSessionAndIsToldToAskAnAdministrator() throws Exception {
        String eve = UUID.randomUUID().toString();
        linear.addUser(eve, "Eve", "eve@elsewhere.org", true);
        String issue = linear.addIssue(team, "Export everything", "…", List.of());
        String agentSession = linear.addAgentSession(issue);

        HttpResponse<String> created = deliver(LinearWebhookPayloads.agentSessionCreated(
                linear.organizationId(),
                linear.appUserId(),
                agentSession,
                linear.issueData(issue),
                eve,
                "Export it",
                Instant.now()));

        assertThat(created.body()).as(created.body()).contains("unlinked");
        assertThat(linear.activities(agentSession))
                .extracting(a -> a.content().path("body").asText())
                .singleElement()
                .satisfies(b -> assertThat(b)
                        .contains("Ask a Nightshift administrator (" + CONTACT + ")")
                        .contains("admit the e-mail address of your Linear account")
                        .contains("or to link your Linear account")
                        // the workspace reads it: neither her address nor the policy, nor a link to connect with
                        .doesNotContain("eve@elsewhere.org")
                        .doesNotContain("example.com")
                        .doesNotContain("/connect"));
        assertThat(server.admin.get("/api/users").raw()).doesNotContain("elsewhere.org");
        assertThat(server.admin.get("/api/audit?action=signin.linear").body().path("entries"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.path("outcome").asText()).isEqualTo("refused");
                    assertThat(e.path("detail").asText()).contains(eve);
                });
        assertThat(server.admin.get("/api/sessions").body().path("sessions")).isEmpty();
        assertThat(prompts).isEmpty();
    }

    @Test
    void aDeactivatedLinearAccountIsNeverLinkedEvenWithAnAdmittedEmail() throws Exception {
        String dorothy = UUID.randomUUID().toString();
        linear.addUser(dorothy, "Dorothy Vaughan", "dorothy@example.com", false);
        String issue = linear.addIssue(team, "Rewrite the parser", "…", List.of());

        HttpResponse<String> delegated = deliver(LinearWebhookPayloads.issueDelegated(
                linear.organizationId(), linear.issueData(issue), linear.appUserId(), dorothy, Instant.now()));

        assertThat(delegated.body()).as(delegated.body()).contains("unlinked");
        assertThat(server.admin.get("/api/users").raw()).doesNotContain("dorothy");
        assertThat(linear.comments(issue))
                .extracting(LinearFake.Comment::body)
                .singleElement()
                .satisfies(b -> assertThat(b).contains("Ask a Nightshift administrator"));
        assertThat(server.admin.get("/api/audit?action=linear.read").raw()).contains("deactivated in Linear");
        assertThat(server.admin.get("/api/sessions").body().path("sessions")).isEmpty();
        assertThat(prompts).isEmpty();
    }

    String userId(String login) {
        return java.util.stream.StreamSupport.stream(
                        server.admin.get("/api/users").body().path("users").spliterator(), false)
                .filter(u -> u.path("login").asText().equals(login))
                .map(u -> u.path("id").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no user " + login));
    }
}
