package dev.nightshift.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain text columns, each as wide as its widest cell; the last column is not padded. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
        this.header = header;
    }

    Table row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("a row needs " + header.length + " cells, got " + cells.length);
        }
        String[] clean = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            clean[i] = cells[i] == null ? "" : cells[i].replaceAll("\\s+", " ");
        }
        rows.add(clean);
        return this;
    }

    void print(PrintWriter out, Ansi ansi) {
        int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        out.println(ansi.bold(format(header, widths)));
        for (String[] row : rows) {
            out.println(format(row, widths));
        }
        out.flush();
    }

    private static String format(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            line.append(i == cells.length - 1 ? cells[i] : String.format("%-" + widths[i] + "s", cells[i]));
        }
        return line.toString().stripTrailing();
    }
}
