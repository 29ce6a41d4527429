package dev.nightshift.server.auth;

import dev.nightshift.server.http.ApiException;
import dev.nightshift.server.http.Json;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * How a sign-in callback ends for a browser or a script: a browser that was refused (not admitted,
 * deactivated, a forged state) gets a small page in words, with a way back; a client asking for
 * JSON gets the API's error.
 */
public final class SignInPage {
    private static final String CSP =
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

    private static final java.util.regex.Pattern UI_STATE = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private SignInPage() {}

    /**
     * The web UI's nonce for a sign-in it started ({@code ?ui_state=}), kept with the provider's
     * state and handed back at the end, so the UI accepts a token only from a flow it began itself
     * (a crafted {@code /#token=} link has no matching nonce: no login CSRF). Empty when a client
     * sent none.
     */
    public static String uiState(Context ctx) {
        String value = ctx.queryParam("ui_state");
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (!UI_STATE.matcher(value).matches()) {
            throw ApiException.badRequest(
                    "'ui_state' must be 16 to 128 letters, digits, '-' or '_'; start again from the sign-in page");
        }
        return value;
    }

    /** Where the browser goes with its new token: the UI, with the token and its nonce in the fragment. */
    public static String signedInRedirect(String secret, String uiState) {
        return "/#token=" + secret + (uiState == null || uiState.isEmpty() ? "" : "&ui_state=" + uiState);
    }

    public static boolean wantsJson(Context ctx) {
        return Optional.ofNullable(ctx.header("Accept")).orElse("").contains("application/json");
    }

    /**
     * Ends a provider's callback once the account is known: links it to whoever started linking
     * (the state's payload names them), else signs it in; answers the browser (a redirect into the
     * UI, the token in the fragment with the UI's nonce) or a script (JSON). A refusal is answered
     * here too.
     *
     * @param payload what was stored with the state: {@code link} (a user id) and {@code ui} (the UI's nonce)
     * @param provider {@code github} or {@code oidc:<name>}
     * @return the user the account now belongs to, or null when refused
     */
    public static String complete(
            Context ctx,
            SignIn signIn,
            SignIn.Account account,
            com.fasterxml.jackson.databind.JsonNode payload,
            String provider) {
        try {
            if (payload.hasNonNull("link")) {
                String userId = payload.get("link").asText();
                signIn.link(userId, account);
                if (wantsJson(ctx)) {
                    Json.respond(ctx, 200, Map.of("linked", provider));
                } else {
                    ctx.redirect("/#linked=" + provider);
                }
                return userId;
            }
            SignIn.SignedIn signedIn = signIn.signIn(account);
            if (wantsJson(ctx)) {
                Json.respondSecret(
                        ctx,
                        200,
                        Map.of(
                                "token",
                                signedIn.token(),
                                "login",
                                signedIn.user().login()));
            } else {
                // the fragment never reaches a server log or a Referer header
                ctx.header("Cache-Control", "no-store");
                ctx.redirect(
                        signedInRedirect(signedIn.token(), payload.path("ui").asText("")));
            }
            return signedIn.user().id();
        } catch (ApiException e) {
            refused(ctx, e);
            return null;
        }
    }

    /** Answers a refused sign-in; the refusal was already audited by whoever threw it. */
    public static void refused(Context ctx, ApiException e) {
        if (wantsJson(ctx)) {
            Json.respond(ctx, e.status(), Map.of("error", Map.of("code", e.code(), "message", e.getMessage())));
            return;
        }
        String title = switch (e.code()) {
            case "not_admitted" -> "You are not admitted";
            case "deactivated" -> "Your account is deactivated";
            default -> "Sign-in failed";
        };
        page(ctx, e.status(), title, e.getMessage(), "/");
    }

    /**
     * A small page in words — a refusal or a confirmation after a redirect from a provider — with a link
     * back to {@code back}; nothing on it runs (its policy allows no script), and it is not cached.
     */
    public static void page(Context ctx, int status, String title, String message, String back) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.status(status)
                .contentType("text/html; charset=utf-8")
                .result("<!doctype html><html lang=\"en\"><head>"
                        + "<meta charset=\"utf-8\"><title>" + escape(title) + " — Nightshift</title>"
                        + "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}</style></head>"
                        + "<body><h1>" + escape(title) + "</h1><p id=\"reason\" class=\"message\">"
                        + escape(message) + "</p>"
                        + "<p><a href=\"" + escape(back) + "\">Back to Nightshift</a></p></body></html>");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
