package dev.nightshift.sandbox;

import dev.nightshift.core.sandbox.Sandbox;
import dev.nightshift.core.sandbox.SandboxProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The sandbox contract on the unisolated process provider: what it cannot isolate it must still keep. */
class ProcessContractTest extends SandboxContract {
    private Path root;

    @Override
    SandboxProvider newProvider(Path data) {
        root = data.resolve("sandboxes");
        return new ProcessProvider(root);
    }

    @Override
    String workspaceSeenByCommands(Sandbox sandbox) throws IOException {
        return root.resolve(sandbox.id()).resolve("workspace").toRealPath().toString();
    }

    @Override
    List<String> keptOnHost() throws IOException {
        return namesIn(root);
    }
}
