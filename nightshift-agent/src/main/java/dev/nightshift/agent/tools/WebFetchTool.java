package dev.nightshift.agent.tools;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.ExecResult;
import dev.nightshift.core.sandbox.OutputListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fetches a URL from inside the sandbox, so it goes through the sandbox's egress proxy and its
 * allowlist like everything else the agent does: the control plane never fetches on its behalf.
 */
public final class WebFetchTool extends BaseTool {
    public static final String NAME = "web_fetch";
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_BODY_CHARS = 10_000;
    /** Separates the body from curl's status line; a page is unlikely to end with it. */
    private static final String MARKER = "@@nightshift-web-fetch@@";

    private static final Pattern TAGS = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>|<[^>]+>");
    private static final Pattern SPACE = Pattern.compile("[ \\t\\x0B\\f\\r]+");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n\\s*\\n+");

    private static final String DESCRIPTION = """
            Fetches an http(s) URL through the sandbox's network proxy (only allowed hosts are reachable) and \
            returns its status and body as text (HTML reduced to text), cut at %d characters. %d s timeout.""".formatted(MAX_BODY_CHARS, TIMEOUT.toSeconds());
    private static final String SCHEMA = """
            {
              "type": "object",
              "properties": {
                "url": {"type": "string", "description": "an http:// or https:// URL"}
              },
              "required": ["url"],
              "additionalProperties": false
            }""";

    public WebFetchTool() {
        super(NAME, DESCRIPTION, SCHEMA);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    ToolResult run(Args args, ToolContext context) throws Args.Invalid, InterruptedException {
        String url = args.nonBlank("url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return ToolResult.error("'url' is not a valid URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            return ToolResult.error("'url' must be an http:// or https:// URL with a host, got '" + url + "'");
        }
        String script = "curl -sS -L --max-redirs 5 --max-time " + TIMEOUT.toSeconds()
                + " --max-filesize 5000000 -o - -w '\\n" + MARKER + "HTTP %{http_code} %{content_type}' -- \"$URL\"";
        ExecResult result = context.sandbox()
                .exec(
                        new ExecRequest(List.of("bash", "-c", script), "", Map.of("URL", url), TIMEOUT.plusSeconds(5)),
                        OutputListener.IGNORE);
        String out = result.stdout();
        int marker = out.lastIndexOf(MARKER);
        if (marker < 0) {
            return ToolResult.error("the fetch failed: "
                    + (result.stderr().isBlank()
                            ? "exit " + result.exitCode() + ", " + out
                            : result.stderr().strip()));
        }
        String status = out.substring(marker + MARKER.length()).strip();
        String body = out.substring(0, marker);
        if (status.contains("html") || body.stripLeading().startsWith("<")) {
            body = BLANK_LINES
                    .matcher(SPACE.matcher(TAGS.matcher(body).replaceAll(" ")).replaceAll(" "))
                    .replaceAll("\n\n")
                    .strip();
        }
        boolean cut = body.length() > MAX_BODY_CHARS;
        if (cut) {
            body = body.substring(0, MAX_BODY_CHARS);
        }
        String text = status + "\n\n" + body + (cut ? "\n[… cut at " + MAX_BODY_CHARS + " characters]" : "");
        boolean refused = status.startsWith("HTTP 403") && body.contains("nightshift egress");
        return refused || status.startsWith("HTTP 000") ? ToolResult.error(text) : ToolResult.ok(text);
    }
}
