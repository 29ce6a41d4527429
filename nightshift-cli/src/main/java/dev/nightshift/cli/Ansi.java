package dev.nightshift.cli;

/** ANSI styling that turns into plain text when disabled (pipes, files, NO_COLOR, --json). */
public record Ansi(boolean enabled) {
    private static final String RESET = "\u001b[0m";

    public String bold(String text) {
        return style("1", text);
    }

    public String dim(String text) {
        return style("2", text);
    }

    public String red(String text) {
        return style("31", text);
    }

    public String green(String text) {
        return style("32", text);
    }

    public String yellow(String text) {
        return style("33", text);
    }

    public String cyan(String text) {
        return style("36", text);
    }

    /** Moves to the start of the line and clears it, so a progress line can be redrawn. */
    public String clearLine() {
        return enabled ? "\r\u001b[2K" : "";
    }

    private String style(String code, String text) {
        return enabled ? "\u001b[" + code + "m" + text + RESET : text;
    }
}
