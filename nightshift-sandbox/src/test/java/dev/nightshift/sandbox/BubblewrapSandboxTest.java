package dev.nightshift.sandbox;

import static dev.nightshift.sandbox.SandboxTestSupport.sh;
import static dev.nightshift.sandbox.SandboxTestSupport.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.sandbox.ExecRequest;
import dev.nightshift.core.sandbox.OutputListener;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxLimits;
import dev.nightshift.core.sandbox.SandboxSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the bubblewrap provider does: a warm pool, a sandbox user of its own, the sandbox's
 * own view of the file system. What every sandbox promises is in {@link BubblewrapContractTest};
 * the hostile suite is {@link EscapeTest}.
 */
class BubblewrapSandboxTest {
    @TempDir
    Path data;

    private BubblewrapProvider provider;

    @BeforeEach
    void provider() {
        provider = new BubblewrapProvider(BubblewrapConfig.under(data.resolve("sandboxes")), EgressAttachment.NONE);
    }

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aWarmPoolHandsOutReadySandboxesAndReattachesEgressForTheSession() throws Exception {
        List<String> attachedFor = new CopyOnWriteArrayList<>();
        BubblewrapProvider pooled = new BubblewrapProvider(
                BubblewrapConfig.under(data.resolve("pooled")).withWarmPool(1, SandboxTestSupport.SMALL),
                (sessionId, socket) -> {
                    attachedFor.add(sessionId);
                    return () -> {};
                });
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.pooled() == 1);
            assertThat(attachedFor).containsExactly(BubblewrapProvider.POOL_SESSION);
            Sandbox sandbox = pooled.create(spec("ses_fast"));
            assertThat(sandbox.sessionId()).isEqualTo("ses_fast");
            assertThat(attachedFor).endsWith("ses_fast");
            assertThat(sh(sandbox, "echo ready").stdout()).isEqualTo("ready\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.pooled() == 1); // topped up again
            Sandbox other = pooled.create(new SandboxSpec("ses_big", SandboxLimits.DEFAULTS, Map.of()));
            assertThat(other.id()).isNotEqualTo(sandbox.id());
            assertThat(pooled.pooled())
                    .as("other limits: made fresh, the pool is kept")
                    .isEqualTo(1);
        } finally {
            pooled.close();
        }
    }

    @Test
    void filesAndCommandsBelongToTheSandboxUserInTheSandboxsOwnView() throws Exception {
        Sandbox sandbox = provider.create(spec("ses_files"));
        sandbox.writeFile("src/Main.java", "class Main {}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(sh(sandbox, "stat -c %U src/Main.java").stdout().trim()).isEqualTo("nightshift");
        assertThat(sandbox.exec(ExecRequest.shell("pwd").withWorkdir("src"), OutputListener.IGNORE)
                        .stdout())
                .isEqualTo("/workspace/src\n");
        // a link to / inside the sandbox leads to the sandbox's own root, so a command may work there
        sh(sandbox, "ln -s / root-link");
        assertThat(sandbox.exec(ExecRequest.shell("pwd").withWorkdir("root-link/etc"), OutputListener.IGNORE)
                        .exitCode())
                .isZero();
    }
}
