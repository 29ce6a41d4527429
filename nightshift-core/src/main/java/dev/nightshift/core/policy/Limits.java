package dev.nightshift.core.policy;

import java.time.Duration;

/**
 * The session and protocol limits, each default defined here once.
 *
 * @param maxUnfinishedPrompts pending + processing prompts allowed per session
 * @param maxPromptChars longest prompt accepted
 * @param snapshotEvents events sent to a newcomer in the join snapshot
 * @param historyPageDefault events per history page when the client does not say
 * @param historyPageMax most events per history page
 * @param subscribeTimeout how long a socket may stay open without a valid {@code subscribe}
 * @param liveTokenTtl lifetime of a token that joins a session's live stream
 * @param clientBufferMessages messages queued for one slow client before it is told to resync
 * @param historyRequestsPerMinute {@code fetch_history} requests per socket per minute
 */
public record Limits(
        int maxUnfinishedPrompts,
        int maxPromptChars,
        int snapshotEvents,
        int historyPageDefault,
        int historyPageMax,
        Duration subscribeTimeout,
        Duration liveTokenTtl,
        int clientBufferMessages,
        int historyRequestsPerMinute) {

    public static final Limits DEFAULTS =
            new Limits(10, 64_000, 500, 200, 500, Duration.ofSeconds(30), Duration.ofHours(1), 4096, 60);

    public Limits withMaxUnfinishedPrompts(int value) {
        return new Limits(
                value,
                maxPromptChars,
                snapshotEvents,
                historyPageDefault,
                historyPageMax,
                subscribeTimeout,
                liveTokenTtl,
                clientBufferMessages,
                historyRequestsPerMinute);
    }

    public Limits withMaxPromptChars(int value) {
        return new Limits(
                maxUnfinishedPrompts,
                value,
                snapshotEvents,
                historyPageDefault,
                historyPageMax,
                subscribeTimeout,
                liveTokenTtl,
                clientBufferMessages,
                historyRequestsPerMinute);
    }

    public Limits withSubscribeTimeout(Duration value) {
        return new Limits(
                maxUnfinishedPrompts,
                maxPromptChars,
                snapshotEvents,
                historyPageDefault,
                historyPageMax,
                value,
                liveTokenTtl,
                clientBufferMessages,
                historyRequestsPerMinute);
    }

    public Limits withClientBufferMessages(int value) {
        return new Limits(
                maxUnfinishedPrompts,
                maxPromptChars,
                snapshotEvents,
                historyPageDefault,
                historyPageMax,
                subscribeTimeout,
                liveTokenTtl,
                value,
                historyRequestsPerMinute);
    }

    public Limits withLiveTokenTtl(Duration value) {
        return new Limits(
                maxUnfinishedPrompts,
                maxPromptChars,
                snapshotEvents,
                historyPageDefault,
                historyPageMax,
                subscribeTimeout,
                value,
                clientBufferMessages,
                historyRequestsPerMinute);
    }
}
