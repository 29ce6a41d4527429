package dev.nightshift.server.question;

import dev.nightshift.core.model.Question;
import dev.nightshift.server.auth.Authenticator;
import dev.nightshift.server.auth.Caller;
import dev.nightshift.server.http.ClientSource;
import dev.nightshift.server.http.Json;
import dev.nightshift.server.http.Requests;
import dev.nightshift.server.http.RouteTable;
import dev.nightshift.server.http.Views;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The questions and plans turns wait on, over the API: list them (viewers), answer one, approve a plan
 * (members). Under {@code /api}, so the API's rate limits and its 1 MiB body limit apply; each answer is
 * also held to a prompt's length. Handlers run on request threads.
 */
public final class QuestionRoutes {
    private final Questions questions;
    private final Authenticator auth;

    public QuestionRoutes(Questions questions, Authenticator auth) {
        this.questions = questions;
        this.auth = auth;
    }

    public void register(RouteTable routes) {
        routes.get("/api/sessions/{id}/questions", this::list);
        routes.post("/api/sessions/{id}/questions/{questionId}/answer", this::answer);
        routes.post("/api/sessions/{id}/plan/approve", this::approve);
    }

    private Caller caller(Context ctx) {
        return auth.fromHeader(ctx.header("Authorization"));
    }

    private void list(Context ctx) {
        Json.respond(
                ctx,
                200,
                Map.of(
                        "questions",
                        questions.list(caller(ctx), ctx.pathParam("id")).stream()
                                .map(Views::question)
                                .toList()));
    }

    private void answer(Context ctx) {
        Caller caller = caller(ctx);
        questions.requireMember(caller, ctx.pathParam("id")); // 404 and 403 before the body is read
        var source = ClientSource.of(ctx.header(ClientSource.HEADER));
        Question answered = questions.answer(
                caller,
                ctx.pathParam("id"),
                ctx.pathParam("questionId"),
                Json.read(ctx.body(), Requests.Answer.class),
                source);
        Json.respond(ctx, 200, Views.question(answered));
    }

    private void approve(Context ctx) {
        Caller caller = caller(ctx);
        questions.requireMember(caller, ctx.pathParam("id"));
        var source = ClientSource.of(ctx.header(ClientSource.HEADER));
        var request = ctx.body().isBlank()
                ? new Requests.ApprovePlan(null, null)
                : Json.read(ctx.body(), Requests.ApprovePlan.class);
        Json.respond(ctx, 200, Views.question(questions.approvePlan(caller, ctx.pathParam("id"), request, source)));
    }
}
