package dev.nightshift.core.secret;

import java.util.List;

/**
 * A secret as one sandbox's egress proxy needs it. Inside the sandbox there is only the
 * {@code placeholder}; the proxy puts {@code value} in its place on requests to the allowed hosts
 * (and, when given, only for these methods and path prefixes), in the named headers and query
 * parameters, and puts the placeholder back wherever the value comes back. Held by the control
 * plane only.
 *
 * @param name the secret's name (the environment variable the placeholder is in)
 * @param hosts host names it may be sent to, exact or {@code *.example.com}; never empty
 * @param methods HTTP methods it may be sent with (upper case); empty: any
 * @param pathPrefixes path prefixes it may be sent to ({@code /api/v1/query}); empty: any
 * @param headers request headers substituted (default {@code Authorization}, {@code X-Api-Key} …)
 * @param queryParams query parameters substituted; empty: none
 */
public record EgressSecret(
        String name,
        String placeholder,
        String value,
        List<String> hosts,
        List<String> methods,
        List<String> pathPrefixes,
        List<String> headers,
        List<String> queryParams) {
    /** The request headers substituted when a secret names none. */
    public static final List<String> DEFAULT_HEADERS =
            List.of("Authorization", "Proxy-Authorization", "X-Api-Key", "Api-Key", "X-Auth-Token", "Private-Token");

    public EgressSecret {
        hosts = List.copyOf(hosts);
        methods = List.copyOf(methods);
        pathPrefixes = List.copyOf(pathPrefixes);
        headers = headers == null || headers.isEmpty() ? DEFAULT_HEADERS : List.copyOf(headers);
        queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a secret needs at least one allowed host");
        }
    }

    /** Never the value. */
    @Override
    public String toString() {
        return "EgressSecret[" + name + " for " + hosts + "]";
    }
}
