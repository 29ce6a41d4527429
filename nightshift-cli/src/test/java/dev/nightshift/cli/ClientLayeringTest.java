package dev.nightshift.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a client of the HTTP API: besides {@code serve} and {@code reseal} (which run the server's own
 * {@code Main}), and {@code ServerOptions} (which finds the local admin token), it uses nothing of the server, only the event
 * catalogue's names; and it reads the time through its {@link Terminal}'s clock.
 */
class ClientLayeringTest {
    static JavaClasses cli;

    @BeforeAll
    static void importCli() {
        cli = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nightshift.cli");
    }

    @Test
    void theCliTalksHttpAndNeedsTheServerOnlyToServe() {
        noClasses()
                .that()
                .doNotHaveSimpleName("ServeCommand")
                .and()
                .doNotHaveSimpleName("ResealCommand")
                .and()
                .doNotHaveSimpleName("ServerOptions")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.nightshift.server..",
                        "dev.nightshift.store..",
                        "dev.nightshift.agent..",
                        "dev.nightshift.sandbox..",
                        "dev.nightshift.git..")
                .check(cli);
    }

    @Test
    void timeIsReadThroughTheTerminalsClock() {
        noClasses()
                .should()
                .callMethod(Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .check(cli);
    }
}
