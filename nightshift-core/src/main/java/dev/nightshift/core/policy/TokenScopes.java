package dev.nightshift.core.policy;

import dev.nightshift.core.model.Scope;
import java.util.EnumSet;
import java.util.Set;

/** Which scopes a new API token may carry. */
public final class TokenScopes {
    private TokenScopes() {}

    /**
     * The scopes to grant, or an exception saying why not. A token can only be made with scopes its
     * maker's token already has (a read-only token cannot mint a writing one), and {@code admin} only
     * by an administrator.
     *
     * @param requested the scopes asked for; null or empty: {@link Scope#DEFAULTS} as far as the maker holds them
     */
    public static Set<Scope> grant(Set<Scope> requested, Set<Scope> makerScopes, boolean makerIsAdmin) {
        if (requested == null || requested.isEmpty()) {
            Set<Scope> granted = EnumSet.copyOf(Scope.DEFAULTS);
            granted.retainAll(makerScopes);
            if (granted.isEmpty()) {
                throw new IllegalArgumentException(
                        "your token has none of the default scopes; name the scopes to grant");
            }
            return granted;
        }
        if (requested.contains(Scope.ADMIN) && !makerIsAdmin) {
            throw new IllegalArgumentException("only an administrator can make a token with the admin scope");
        }
        for (Scope s : requested) {
            if (!makerScopes.contains(s)) {
                throw new IllegalArgumentException("the token you used lacks the scope " + s.wire()
                        + ", so it cannot grant it; use a token that has it");
            }
        }
        return EnumSet.copyOf(requested);
    }
}
