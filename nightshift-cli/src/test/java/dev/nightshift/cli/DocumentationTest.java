package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's terminal client section true to the code. */
class DocumentationTest {
    @Test
    void theReadmeNamesEveryExitCodeAndEveryCommand() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Terminal client"), readme.indexOf("## Try it"));
        String exitCodes = section.substring(section.indexOf("Exit codes:"));
        for (String code : ExitCodes.described().keySet()) {
            if (Integer.parseInt(code.strip()) != ExitCodes.INTERNAL) { // a bug, not something to script against
                assertThat(exitCodes).as("exit code " + code.strip()).containsPattern("\\b" + code.strip() + " ");
            }
        }
        for (String command : NightshiftCli.commandLine(new Terminal(
                        new java.io.PrintWriter(java.io.Writer.nullWriter()),
                        new java.io.PrintWriter(java.io.Writer.nullWriter()),
                        java.util.Map.of(),
                        false))
                .getSubcommands()
                .keySet()) {
            if (!command.equals("help") && !command.equals("serve")) {
                assertThat(section).as(command).contains("./nightshift " + command);
            }
        }
    }
}
