package dev.nightshift.sandbox.egress;

/** A request the proxy answers with an error status instead of forwarding it. */
final class HttpProblem extends Exception {
    private final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }
}
