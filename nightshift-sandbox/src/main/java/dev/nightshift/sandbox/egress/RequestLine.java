package dev.nightshift.sandbox.egress;

import java.util.Set;

/** {@code METHOD target HTTP/1.x}, strictly: one space between three parts. */
record RequestLine(String method, String target, String version) {
    private static final Set<String> VERSIONS = Set.of("HTTP/1.1", "HTTP/1.0");

    static RequestLine parse(String line) throws HttpProblem {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !HeadReader.isToken(parts[0]) || parts[1].isEmpty() || !VERSIONS.contains(parts[2])) {
            throw HttpProblem.badRequest("not an HTTP/1.1 request line: \"" + HeadReader.shorten(line) + '"');
        }
        return new RequestLine(parts[0], parts[1], parts[2]);
    }

    boolean isConnect() {
        return method.equals("CONNECT");
    }
}
