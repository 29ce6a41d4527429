package dev.nightshift.agent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Notices a loop that burns tokens: the same tool call with the same arguments and the same
 * result again and again, or the same error again and again.
 */
public final class StuckDetector {
    public static final int DEFAULT_REPEATS = 4;

    private record Step(String tool, String arguments, String result, boolean error) {}

    private final int repeats;
    private final Deque<Step> recent = new ArrayDeque<>();

    public StuckDetector(int repeats) {
        this.repeats = repeats;
    }

    /** Records a tool call; returns why the agent is stuck, or null. */
    public String record(String tool, String arguments, String result, boolean error) {
        recent.addLast(new Step(tool, arguments, result, error));
        while (recent.size() > repeats) {
            recent.removeFirst();
        }
        if (recent.size() < repeats) {
            return null;
        }
        Step first = recent.peekFirst();
        boolean identical = recent.stream().allMatch(s -> s.equals(first));
        if (identical) {
            return "the same call to '" + tool + "' with the same arguments returned the same result " + repeats
                    + " times in a row";
        }
        boolean sameError = recent.stream().allMatch(s -> s.error() && Objects.equals(s.result(), first.result()));
        if (sameError) {
            return "the same error came back " + repeats + " times in a row: " + shorten(first.result());
        }
        return null;
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
