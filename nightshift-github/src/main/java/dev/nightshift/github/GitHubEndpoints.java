package dev.nightshift.github;

import java.net.URI;
import java.util.Objects;

/**
 * Where GitHub lives: the REST API and the web site (sign-in pages, compare pages). Both are
 * configurable so GitHub Enterprise Server, or a test double on loopback, can stand in for
 * github.com.
 *
 * @param api the REST API root, e.g. {@code https://api.github.com} or
 *     {@code https://ghe.example.com/api/v3}
 * @param web the web root, e.g. {@code https://github.com}
 */
public record GitHubEndpoints(URI api, URI web) {

    public static final URI DEFAULT_API = URI.create("https://api.github.com");
    public static final URI DEFAULT_WEB = URI.create("https://github.com");

    /** github.com itself. */
    public static final GitHubEndpoints GITHUB_COM = new GitHubEndpoints(DEFAULT_API, DEFAULT_WEB);

    public GitHubEndpoints {
        api = withoutTrailingSlash(Objects.requireNonNull(api, "api"));
        web = withoutTrailingSlash(Objects.requireNonNull(web, "web"));
    }

    /** {@code api} with an absolute path ("/user") appended; the path may carry a query. */
    URI api(String pathAndQuery) {
        return URI.create(api + pathAndQuery);
    }

    /** {@code web} with an absolute path ("/login/oauth/access_token") appended. */
    URI web(String pathAndQuery) {
        return URI.create(web + pathAndQuery);
    }

    private static URI withoutTrailingSlash(URI uri) {
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an absolute http(s) URL, got " + uri);
        }
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
