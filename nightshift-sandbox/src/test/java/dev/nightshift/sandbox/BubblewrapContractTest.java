package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The sandbox contract on real bubblewrap sandboxes. */
class BubblewrapContractTest extends SandboxContract {
    private Path root;

    @Override
    SandboxProvider newProvider(Path data) {
        root = data.resolve("sandboxes");
        return new BubblewrapProvider(BubblewrapConfig.under(root), EgressAttachment.NONE);
    }

    @Override
    String workspaceSeenByCommands(Sandbox sandbox) {
        return SandboxPaths.WORKSPACE;
    }

    @Override
    List<String> keptOnHost() throws IOException {
        return namesIn(root);
    }
}
