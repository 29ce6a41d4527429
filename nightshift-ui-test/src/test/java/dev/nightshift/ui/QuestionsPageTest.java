package dev.nightshift.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.nightshift.agent.model.FakeModelServer;
import dev.nightshift.agent.model.FakeModelServer.Reply;
import dev.nightshift.agent.model.ToolCall;
import dev.nightshift.server.testing.ApiClient;
import dev.nightshift.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's questions and plans in the browser: two people watch, one answers in the form, and the
 * form gives way to the answer on both pages; a plan is approved as edited; a viewer sees the question
 * without a form.
 */
class QuestionsPageTest {
    private static final String QUESTIONS = "{\"questions\":[{\"question\":\"Which database?\",\"options\":"
            + "[\"PostgreSQL\",\"SQLite\"]},{\"question\":\"Anything else I should know?\"}]}";

    private static TestServer serve(FakeModelServer model) {
        return TestServer.start(
                Map.of(
                        "NIGHTSHIFT_MODEL",
                        "openai-compatible/coder",
                        "OPENAI_COMPATIBLE_BASE_URL",
                        model.openAiBaseUrl()),
                p -> {});
    }

    /** A new user with this role in the session; returns their token. */
    private static String person(TestServer server, String session, String login, String role) {
        ApiClient.Response created = server.admin.post("/api/users", Map.of("login", login));
        server.admin.put("/api/sessions/" + session + "/participants/" + login, Map.of("role", role));
        return created.body().path("token").path("token").asText();
    }

    private static Page open(BrowserContext context, TestServer server, String session, String token) {
        Page page = context.newPage();
        page.navigate(server.url() + "/sessions/" + session);
        Ui.signIn(page, token);
        return page;
    }

    @Test
    void aMemberAnswersInTheFormAndEveryoneWatchingSeesTheAnswer() {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer server = serve(model);
                Browsers browsers = Browsers.launch();
                BrowserContext ownerContext = browsers.person(1280, 800);
                BrowserContext memberContext = browsers.person(1280, 800);
                BrowserContext viewerContext = browsers.person(1280, 800)) {
            model.enqueue(
                    Reply.text("One thing first.").andToolCalls(new ToolCall("ask1", "ask_user", QUESTIONS)),
                    Reply.text("SQLite it is."));
            String id = server.admin.createSession("/srv/questions");
            // everyone joins before the pages open: a page names the people it knew when it loaded
            String mia = person(server, id, "mia", "member");
            String vic = person(server, id, "vic", "viewer");
            Page owner = open(ownerContext, server, id, server.server.adminToken());
            Page member = open(memberContext, server, id, mia);
            Page viewer = open(viewerContext, server, id, vic);

            Ui.sendPrompt(owner, "set up the database");
            Locator asked = member.locator(".entry-question");
            assertThat(asked).containsText("The agent asks");
            assertThat(asked).containsText("Which database?");
            assertThat(member.locator(".session-header .status")).hasText("waiting for an answer");
            assertThat(owner.locator(".entry-question form")).isVisible();
            assertThat(viewer.locator(".entry-question")).containsText("Waiting for a member’s answer.");
            assertThat(viewer.locator(".entry-question button")).hasCount(0);
            Browsers.screenshot(member, "questions-01-asked");

            member.getByLabel("SQLite").check();
            member.getByLabel("Anything else I should know?").fill("it runs on a Raspberry Pi");
            member.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Answer"))
                    .click();

            for (Page page : new Page[] {owner, member, viewer}) {
                assertThat(page.locator(".entry-question")).containsText("Answered by");
                assertThat(page.locator(".entry-question")).containsText("it runs on a Raspberry Pi");
                assertThat(page.locator(".entry-question form")).hasCount(0);
            }
            assertThat(owner.locator(".entry-question")).containsText("Answered by mia");
            assertThat(owner.locator(".entry-turn-end")).hasText("Turn finished");
            assertThat(owner.locator(".session-header .status")).hasText("completed");
            Browsers.screenshot(owner, "questions-02-answered");

            JsonNode answer = server.admin.allEvents(id).stream()
                    .filter(e -> e.path("type").asText().equals("answer"))
                    .findFirst()
                    .orElseThrow()
                    .path("data");
            assertThat(answer.path("answers").get(0).asText()).isEqualTo("SQLite");
            assertThat(answer.path("source").asText()).isEqualTo("web");
        }
    }

    @Test
    void aPlanIsApprovedAsEditedInTheBrowser() {
        try (FakeModelServer model = FakeModelServer.start();
                TestServer server = serve(model);
                Browsers browsers = Browsers.launch();
                BrowserContext ownerContext = browsers.person(1280, 800)) {
            model.enqueue(
                    Reply.toolCalls(new ToolCall(
                            "p1", "propose_plan", "{\"plan\":\"1. Add the table\\n2. Write the migration\"}")),
                    Reply.text("Done as approved."));
            Page owner = ownerContext.newPage();
            owner.navigate(server.url());
            Ui.signIn(owner, server.server.adminToken());
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("+ New session"))
                    .click();
            owner.getByLabel("Repository").fill("/srv/plan");
            owner.getByLabel("Title").fill("Plan the table");
            owner.getByLabel("Plan first").check();
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start session"))
                    .click();
            assertThat(owner.locator(".session-title")).hasText("Plan the table");
            assertThat(owner.locator(".details")).containsText("nothing changes until a member approves");
            String id = owner.url().substring(owner.url().lastIndexOf('/') + 1);
            assertThat(server.admin
                            .get("/api/sessions/" + id)
                            .body()
                            .path("settings")
                            .path("planFirst")
                            .asBoolean())
                    .isTrue();
            Ui.sendPrompt(owner, "add the table");

            Locator plan = owner.locator(".entry-question");
            assertThat(plan).containsText("The agent proposes a plan");
            assertThat(plan.locator(".plan-text")).containsText("Write the migration");
            Browsers.screenshot(owner, "questions-03-plan");
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit…"))
                    .click();
            owner.getByLabel("The plan as you approve it").fill("1. Add the table\n2. Write the migration\n3. Test it");
            owner.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Approve as edited"))
                    .click();

            assertThat(plan).containsText("Approved by You, with edits.");
            assertThat(plan.locator(".plan-text")).containsText("Test it");
            assertThat(owner.locator(".entry-turn-end")).hasText("Turn finished");
            JsonNode review = server.admin.allEvents(id).stream()
                    .filter(e -> e.path("type").asText().equals("plan_review"))
                    .findFirst()
                    .orElseThrow()
                    .path("data");
            assertThat(review.path("edited").asBoolean()).isTrue();
            assertThat(model.requests().get(1).messages().toString()).contains("3. Test it");
        }
    }
}
