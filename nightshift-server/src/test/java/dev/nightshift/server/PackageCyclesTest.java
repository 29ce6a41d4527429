package dev.nightshift.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's packages depend on each other in one direction only, so each can be read (and
 * changed) knowing only what it uses: {@code http} (refusals, JSON, views, the route table) at the
 * bottom, the composition root ({@link Nightshift}, {@link Components}) at the top.
 */
class PackageCyclesTest {
    static JavaClasses server;

    @BeforeAll
    static void importServer() {
        server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.nightshift.server");
    }

    @Test
    void serverPackagesAreFreeOfCycles() {
        slices().matching("dev.nightshift.server.(*)..")
                .should()
                .beFreeOfCycles()
                .check(server);
    }

    @Test
    void onlyTheRootPackageUsesTheCompositionRootAndTheConfiguration() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.nightshift.server")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(Nightshift.class, Components.class, NightshiftConfig.class, Main.class)
                .check(server);
    }
}
