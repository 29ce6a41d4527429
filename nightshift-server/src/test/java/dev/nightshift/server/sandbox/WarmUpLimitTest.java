package dev.nightshift.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nightshift.core.policy.SandboxLifecycle;
import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxException;
import dev.nightshift.core.sandbox.SandboxProvider;
import dev.nightshift.core.sandbox.SandboxSpec;
import dev.nightshift.sandbox.ProcessProvider;
import dev.nightshift.server.testing.TestServer;
import dev.nightshift.server.testing.WsTestClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Probe finding "typing amplification": every {@code typing} frame warmed the session's sandbox, so
 * on a session whose checkout fails each frame made and destroyed a sandbox (and ran a host fetch).
 * Sandboxes here are the process provider's (plain directories), counted by a wrapper.
 */
class WarmUpLimitTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Path root = TestServer.tempDir();
    private final Path notARepository = TestServer.tempDir();

    @AfterEach
    void cleanUp() {
        TestServer.deleteTree(root);
        TestServer.deleteTree(notARepository);
    }

    @Test
    void typingOnASessionWhoseCheckoutFailsStartsOneSandboxNotOnePerFrame() {
        CountingProvider provider = new CountingProvider(new ProcessProvider(root));
        try (TestServer server = TestServer.start(p -> {
            p.sandboxes = true;
            p.sandboxProvider = provider;
        })) {
            // a directory that is no git repository: the real checkout fails
            String id = server.admin.createSession(notARepository.toString());
            try (WsTestClient ws = WsTestClient.subscribe(server.wsUrl(id), server.admin.liveToken(id))) {
                for (int i = 0; i < 20; i++) {
                    ws.send(Map.of("type", "typing"));
                }
                ws.send(Map.of("type", "ping"));
                ws.next("pong", WAIT); // every typing frame has been handled
                await().atMost(WAIT)
                        .until(() ->
                                server.server.sandboxes().status(id).state().equals("failed"));
                await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> provider.creates.get() == 1);
            }

            // the failed checkout counted in the start breaker: two more failures open it
            for (int i = 1; i < SandboxLifecycle.BREAKER_FAILURES; i++) {
                assertThatThrownBy(() -> server.server.sandboxes().acquire(id))
                        .hasMessageContaining("could not be checked out");
            }
            assertThatThrownBy(() -> server.server.sandboxes().acquire(id))
                    .isInstanceOf(SandboxException.class)
                    .hasMessageContaining("failed to start " + SandboxLifecycle.BREAKER_FAILURES + " times");
            assertThat(provider.creates.get()).isEqualTo(SandboxLifecycle.BREAKER_FAILURES);
        }
    }

    /** Counts sandbox creations; everything else is the real provider's. */
    static final class CountingProvider implements SandboxProvider {
        final AtomicInteger creates = new AtomicInteger();
        private final SandboxProvider real;

        CountingProvider(SandboxProvider real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public List<String> capabilities() {
            return real.capabilities();
        }

        @Override
        public Sandbox create(SandboxSpec spec) {
            creates.incrementAndGet();
            return real.create(spec);
        }

        @Override
        public Sandbox restore(SandboxSpec spec, InputStream archive) {
            return real.restore(spec, archive);
        }

        @Override
        public int removeOrphans() {
            return real.removeOrphans();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
