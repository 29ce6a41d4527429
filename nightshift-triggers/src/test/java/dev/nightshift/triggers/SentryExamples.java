package dev.nightshift.triggers;

/**
 * Sentry webhook deliveries as Sentry documents them, shortened, with a signature for one of them
 * computed outside this code base.
 *
 * <p>{@link #ISSUE_ALERT} follows the issue-alert ({@code event_alert}) payload of Sentry's
 * integration-platform webhook documentation: the same keys and values, most of the event's fields and
 * frame fields left out, and a release filled in where the example has {@code null}. {@link #ISSUE}
 * follows the documented issue ({@code issue}, action {@code created}) payload, with the {@code
 * web_url} the documentation lists among its attributes. Both are compact JSON with Sentry's top-level
 * key order ({@code action}, {@code installation}, {@code data}, {@code actor}): the text Sentry's
 * documented check signs ({@code JSON.stringify(request.body)}, or in Python {@code
 * hmac.new(key=client_secret.encode('utf-8'), msg=body, digestmod=hashlib.sha256).hexdigest()}).
 */
final class SentryExamples {
    /** A client secret of Sentry's shape (64 hex characters), drawn at random for these tests. */
    static final String CLIENT_SECRET = "21a07c5cb9251ec60264328628da73be922c44c3dc71a116512efa2b13a6795b";

    /** The id Sentry sends in {@code Request-ID}. */
    static final String REQUEST_ID = "6f0b5c1e-3d2a-4f4e-9c8b-1a2b3c4d5e6f";

    static final String ISSUE_ALERT = """
            {"action":"triggered",\
            "installation":{"uuid":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},\
            "data":{"event":{"event_id":"e4874d664c3540c1a32eab185f12c5ab","issue_id":"1117540176",\
            "issue_url":"https://sentry.io/api/0/issues/1117540176/",\
            "title":"ReferenceError: heck is not defined","level":"error","culprit":"?(<anonymous>)",\
            "platform":"javascript","release":"front-end@2.3.1",\
            "metadata":{"filename":"<anonymous>","type":"ReferenceError","value":"heck is not defined"},\
            "exception":{"values":[{"type":"ReferenceError","value":"heck is not defined",\
            "stacktrace":{"frames":[\
            {"abs_path":"https://static.jsbin.com/js/prod/runner-4.1.7.min.js",\
            "filename":"/js/prod/runner-4.1.7.min.js","function":null,"lineno":1,"colno":10866,"in_app":false},\
            {"abs_path":"<anonymous>","filename":"<anonymous>","function":null,"lineno":3,"colno":5,\
            "in_app":false}]}}]},\
            "url":"https://sentry.io/api/0/projects/test-org/front-end/events/e4874d664c3540c1a32eab185f12c5ab/",\
            "web_url":"https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/"},\
            "triggered_rule":"Very Important Alert Rule!",\
            "issue_alert":{"title":"Very Important Alert Rule!","settings":[{"name":"channel","value":"#general"}]}},\
            "actor":{"id":"sentry","name":"Sentry","type":"application"}}""";

    /**
     * {@code Sentry-Hook-Signature} of {@link #ISSUE_ALERT} with {@link #CLIENT_SECRET}: computed once
     * while writing these tests with {@code openssl dgst -sha256 -hmac <CLIENT_SECRET>} over the body's
     * bytes (no trailing newline), and checked against Python's {@code hmac.new(key=...,
     * msg=body, digestmod=hashlib.sha256).hexdigest()}, the documented check.
     */
    static final String ISSUE_ALERT_SIGNATURE = "9cdbcd3918e2c0cd9f57297b80d37d5e2af6f9e468c20b7244e4a4f5438178a3";

    static final String ISSUE = """
            {"action":"created",\
            "installation":{"uuid":"a8e5d37a-696c-4c54-adb5-b3f28d64c7de"},\
            "data":{"issue":{"id":"1170820242","shortId":"FRONT-END-9","title":"ReferenceError: blooopy is not defined",\
            "culprit":"?(runner)","level":"error","status":"unresolved","substatus":"escalating",\
            "platform":"javascript","firstSeen":"2019-08-19T20:58:37.391000Z",\
            "metadata":{"filename":"/runner","type":"ReferenceError","value":"blooopy is not defined"},\
            "project":{"id":"1","name":"front-end","platform":"","slug":"front-end"},\
            "url":"https://sentry.io/api/0/issues/1170820242/",\
            "web_url":"https://sentry.io/organizations/test-org/issues/1170820242/",\
            "project_url":"https://sentry.io/organizations/test-org/issues/?project=1"}},\
            "actor":{"id":"sentry","name":"Sentry","type":"application"}}""";

    private SentryExamples() {}
}
