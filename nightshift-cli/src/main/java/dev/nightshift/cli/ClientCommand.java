package dev.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that talks to a running server: {@code --server}/{@code --token}, and the terminal to write to. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ServerOptions serverOptions;

    protected final Terminal terminal;

    ClientCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public final Integer call() {
        return run(serverOptions.connect(terminal));
    }

    /** @return the exit code ({@link ExitCodes}); failures may also throw {@link CliException} */
    protected abstract int run(NightshiftApi api);

    static String sessionPath(String sessionId) {
        return "/api/sessions/" + java.net.URLEncoder.encode(sessionId, java.nio.charset.StandardCharsets.UTF_8);
    }
}
