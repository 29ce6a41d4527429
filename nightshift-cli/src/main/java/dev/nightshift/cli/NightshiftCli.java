package dev.nightshift.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code nightshift} command: {@code serve} runs the control plane; the other subcommands are
 * a terminal client for a running server over its HTTP API and live event stream.
 */
@Command(
        name = "nightshift",
        mixinStandardHelpOptions = true,
        versionProvider = NightshiftCli.Version.class,
        description = "Self-hosted background coding agents. 'nightshift serve' runs the server; the rest talk to it.",
        subcommands = {
            ServeCommand.class,
            RunCommand.class,
            SessionsCommand.class,
            AttachCommand.class,
            PromptCommand.class,
            StopCommand.class,
            AnswerCommand.class,
            ApproveCommand.class,
            ForkCommand.class,
            LogsCommand.class,
            TokenCommand.class,
            SecretsCommand.class,
            AutomationsCommand.class,
            ResealCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Client commands find the server in --server, NIGHTSHIFT_SERVER, or the local server's settings,",
            "and the token in --token, NIGHTSHIFT_TOKEN, or the local data directory's admin-token.",
            "Colours only on a terminal; NO_COLOR turns them off."
        })
public final class NightshiftCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Entry point of {@code nightshift.jar}. */
    public static void main(String[] args) {
        CommandLine cli = commandLine(Terminal.system());
        int exitCode = cli.execute(args);
        if (exitCode == ExitCodes.OK && servedInThisProcess(cli)) {
            return; // the server's threads keep running; exiting here would stop it
        }
        System.exit(exitCode);
    }

    /** The command line wired to {@code terminal}; tests run it in-process with {@link CommandLine#execute}. */
    public static CommandLine commandLine(Terminal terminal) {
        CommandLine cli = new CommandLine(new NightshiftCli(), new TerminalFactory(terminal));
        cli.setOut(terminal.out());
        cli.setErr(terminal.err());
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(
                terminal.ansi().enabled() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            terminal.out().flush();
            if (e instanceof CliException failure) {
                terminal.err().println("nightshift: " + failure.getMessage());
                terminal.err().flush();
                return failure.exitCode();
            }
            terminal.err().println("nightshift: unexpected error (please report it): " + e);
            if (terminal.env("NIGHTSHIFT_DEBUG") != null) {
                e.printStackTrace(terminal.err());
            }
            terminal.err().flush();
            return ExitCodes.INTERNAL;
        });
        everyCommand(cli);
        return cli;
    }

    /** --help, --version and the exit code list on every subcommand, not only the top one. */
    private static void everyCommand(CommandLine cli) {
        cli.getCommandSpec().mixinStandardHelpOptions(true);
        cli.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.described());
        cli.getSubcommands().values().forEach(NightshiftCli::everyCommand);
    }

    private static boolean servedInThisProcess(CommandLine cli) {
        CommandLine.ParseResult parsed = cli.getParseResult();
        return parsed != null
                && parsed.subcommand() != null
                && parsed.subcommand().commandSpec().userObject() instanceof ServeCommand
                && !parsed.subcommand().isUsageHelpRequested();
    }

    /** Builds commands with the {@link Terminal} when they take one. */
    private record TerminalFactory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                var constructor = type.getDeclaredConstructor(Terminal.class);
                constructor.setAccessible(true);
                return constructor.newInstance(terminal);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** The version Maven writes into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = NightshiftCli.class.getPackage().getImplementationVersion();
            return new String[] {"nightshift " + (version == null ? "(development build)" : version)};
        }
    }
}
