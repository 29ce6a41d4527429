package dev.nightshift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.sandbox.IsolationChoice.Decision;
import dev.nightshift.sandbox.IsolationChoice.Isolation;
import dev.nightshift.sandbox.IsolationChoice.Probe;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every probe against every setting: the choice, and that each decision says why. */
class IsolationChoiceTest {
    private static List<Probe> allProbes() {
        List<Probe> probes = new ArrayList<>();
        for (boolean root : new boolean[] {false, true}) {
            for (boolean bwrap : new boolean[] {false, true}) {
                for (boolean userns : new boolean[] {false, true}) {
                    probes.add(new Probe(root, bwrap, userns));
                }
            }
        }
        return probes;
    }

    private static Optional<Isolation> expected(String configured, Probe p) {
        if (configured.equals("process")) {
            return Optional.of(Isolation.PROCESS);
        }
        if (!p.bubblewrap()) {
            return Optional.empty();
        }
        if (p.root()) {
            return Optional.of(Isolation.BUBBLEWRAP_ROOT);
        }
        return p.userNamespaces() ? Optional.of(Isolation.BUBBLEWRAP_ROOTLESS) : Optional.empty();
    }

    @Test
    void everyProbeUnderEverySettingGetsTheBestAllowedIsolationAndAReason() {
        for (String configured : List.of("auto", "", "bubblewrap", "process", "AUTO", " bubblewrap ")) {
            for (Probe probe : allProbes()) {
                Decision d = IsolationChoice.choose(configured, probe);
                assertThat(d.isolation())
                        .as(configured + " on " + probe)
                        .isEqualTo(expected(configured.strip().toLowerCase(java.util.Locale.ROOT), probe));
                assertThat(d.reason()).as(configured + " on " + probe).isNotBlank();
            }
        }
    }

    @Test
    void processIsNeverChosenUnlessConfigured() {
        for (String configured : List.of("auto", "bubblewrap")) {
            for (Probe probe : allProbes()) {
                assertThat(IsolationChoice.choose(configured, probe).isolation())
                        .isNotEqualTo(Optional.of(Isolation.PROCESS));
            }
        }
        assertThat(IsolationChoice.choose("process", new Probe(true, true, true))
                        .reason())
                .contains("NO isolation");
    }

    @Test
    void theReasonsSayWhyAndWhatToDo() {
        assertThat(IsolationChoice.choose("auto", new Probe(true, true, false)).reason())
                .contains("best")
                .contains("root");
        assertThat(IsolationChoice.choose("bubblewrap", new Probe(true, true, false))
                        .reason())
                .startsWith("configured");
        assertThat(IsolationChoice.choose("auto", new Probe(false, true, true)).reason())
                .contains("not root")
                .contains("per-process limits");
        assertThat(IsolationChoice.choose("auto", new Probe(false, true, false)).reason())
                .contains("user namespaces")
                .contains("run Nightshift as root");
        assertThat(IsolationChoice.choose("auto", new Probe(true, false, false)).reason())
                .contains("install the bubblewrap");
        assertThat(IsolationChoice.choose(null, new Probe(true, true, false)).isolation())
                .contains(Isolation.BUBBLEWRAP_ROOT);
    }

    @Test
    void anUnknownSettingIsRefusedWithTheAcceptedValues() {
        Decision d = IsolationChoice.choose("docker", new Probe(true, true, true));
        assertThat(d.isolation()).isEmpty();
        assertThat(d.reason()).contains("auto, bubblewrap, process").contains("'docker'");
    }

    @Test
    void thisHostsProbeIsConsistentWithWhoWeAre() {
        Probe probe = IsolationChoice.probe();
        assertThat(probe.root()).isEqualTo(BubblewrapProvider.isRoot());
        assertThat(probe.bubblewrap()).as("the sandbox tests need bubblewrap").isTrue();
        assertThat(probe.userNamespaces())
                .as("asked only when not root")
                .isEqualTo(!probe.root() && probe.userNamespaces());
    }
}
