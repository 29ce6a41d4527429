package dev.nightshift.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PublicAddressesTest {
    @Test
    void localPrivateAndMetadataAddressesAreNotPublic() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("127.0.0.1", "a loopback address"),
                Map.entry("::1", "a loopback address"),
                Map.entry("169.254.169.254", "a link-local address (where cloud metadata services live)"),
                Map.entry("10.1.2.3", "a private address"),
                Map.entry("172.31.255.255", "a private address"),
                Map.entry("192.168.1.1", "a private address"),
                Map.entry("fd00:ec2::254", "a private (unique local) address"),
                Map.entry("0.0.0.0", "an unspecified address"),
                Map.entry("::ffff:10.0.0.1", "a private address"),
                Map.entry("2002:a9fe:a9fe::", "a link-local address (where cloud metadata services live) (6to4)"));
        for (var e : expected.entrySet()) {
            assertThat(PublicAddresses.kindOf(InetAddress.getByName(e.getKey())))
                    .as(e.getKey())
                    .contains(e.getValue());
        }
        for (String pub : List.of("1.1.1.1", "172.32.0.1", "2606:4700:4700::1111")) {
            assertThat(PublicAddresses.refusal(InetAddress.getByName(pub), Set.of()))
                    .as(pub)
                    .isEmpty();
        }
    }

    @Test
    void thisHostsOwnAddressesAreRefusedToo() throws Exception {
        InetAddress own = InetAddress.getByName("203.0.113.9");
        assertThat(PublicAddresses.refusal(own, Set.of(own))).contains("one of this host's own addresses");
        assertThat(PublicAddresses.interfaceAddresses())
                .isNotEmpty()
                .allSatisfy(a -> assertThat(PublicAddresses.refusal(a, PublicAddresses.interfaceAddresses()))
                        .isPresent());
    }
}
