package dev.nightshift.server;

import java.util.Map;

/** Lets tests in other packages run {@code Main}'s sub-commands in-process. */
public final class MainAccess {
    private MainAccess() {}

    public static int reseal(String[] args, Map<String, String> env) {
        return Main.reseal(args, env);
    }
}
