package dev.nightshift.sandbox.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves a host name to every address it has; replaceable in tests, where no DNS exists. */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
