package dev.nightshift.server.http;

import dev.nightshift.core.model.Source;
import java.util.EnumSet;
import java.util.Set;

/**
 * The surface a client says it is ({@code X-Nightshift-Source}). Only the clients that speak for a
 * person with their own token may be claimed; the integrations (Slack, GitHub, schedules …) run inside
 * the server and set their source directly, so a client claiming one is refused rather than believed.
 */
public final class ClientSource {
    public static final String HEADER = "X-Nightshift-Source";
    private static final Set<Source> CLAIMABLE = EnumSet.of(Source.WEB, Source.CLI, Source.API);

    private ClientSource() {}

    /** The source a request's header names; {@code api} without one. 400 or 403 for what may not be claimed. */
    public static Source of(String header) {
        if (header == null) {
            return Source.API;
        }
        Source source;
        try {
            source = Source.fromWire(header);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(HEADER + " " + e.getMessage());
        }
        if (!CLAIMABLE.contains(source)) {
            throw ApiException.forbidden(HEADER + " '" + header + "' is for Nightshift's own integrations; "
                    + "a client may send 'web', 'cli' or 'api' (or leave the header out)");
        }
        return source;
    }
}
