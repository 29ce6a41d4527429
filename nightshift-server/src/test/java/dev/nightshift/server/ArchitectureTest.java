package dev.nightshift.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.nightshift.store.FileBlobStore;
import dev.nightshift.store.JdbcStore;
import dev.nightshift.store.StoreConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of {@code AGENTS.md}, checked on the compiled classes of every module the
 * server is built from: {@code core} depends on nothing but the JDK; the library modules depend on
 * {@code core} (and their own vendor's library) and never on each other or on the server; the
 * store shows two types; HTTP stays at the edge of the server; and nothing reads the time except
 * through a {@link java.time.Clock}, so every decision can be tested with a controlled clock.
 */
class ArchitectureTest {
    static JavaClasses all;

    @BeforeAll
    static void importAll() {
        // main classes only: test classes, and the modules' test jars (fakes, fixtures), are not the product
        ImportOption mainOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        all = new ClassFileImporter().withImportOption(mainOnly).importPackages("dev.nightshift");
    }

    @Test
    void coreDependsOnNothingButTheJdk() {
        noClasses()
                .that()
                .resideInAPackage("dev.nightshift.core..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.nightshift.core..", "java..")
                .check(all);
    }

    /**
     * Library modules the server does not depend on yet, so their classes are not imported here and
     * the rules about them check nothing. {@link #notYetWiredModulesAreNotOnTheClasspath} fails once
     * one is: then remove it here and add it to {@link #theRulesSeeEveryModule}.
     */
    static final Set<String> NOT_YET_WIRED = Set.of();

    @Test
    void libraryModulesDependOnCoreOnly() {
        String[] modules = {"store", "sandbox", "agent", "git", "github", "oidc", "triggers", "linear", "slack"};
        for (String module : modules) {
            boolean absent = NOT_YET_WIRED.contains(module);
            for (String other : modules) {
                if (!other.equals(module)) {
                    noClasses()
                            .that()
                            .resideInAPackage("dev.nightshift." + module + "..")
                            .should()
                            .dependOnClassesThat()
                            .resideInAPackage("dev.nightshift." + other + "..")
                            .allowEmptyShould(absent)
                            .check(all);
                }
            }
            noClasses()
                    .that()
                    .resideInAPackage("dev.nightshift." + module + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("dev.nightshift.server..", "dev.nightshift.cli..")
                    .allowEmptyShould(absent)
                    .check(all);
        }
    }

    @Test
    void notYetWiredModulesAreNotOnTheClasspath() {
        for (String module : NOT_YET_WIRED) {
            org.assertj.core.api.Assertions.assertThat(all.containPackage("dev.nightshift." + module))
                    .as(module + " is on the server's classpath now: take it out of NOT_YET_WIRED and add it to"
                            + " theRulesSeeEveryModule")
                    .isFalse();
        }
    }

    @Test
    void theStoreShowsThreeTypes() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.nightshift.store..")
                .should()
                .dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.nightshift.store..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(
                                JdbcStore.class, StoreConfig.class, FileBlobStore.class))))
                .check(all);
    }

    @Test
    void theRulesSeeEveryModule() {
        // a rule over an empty import passes vacuously: make sure each module's classes were found
        for (String module : new String[] {
            "core", "store", "sandbox", "agent", "git", "github", "oidc", "triggers", "linear", "slack", "server"
        }) {
            org.assertj.core.api.Assertions.assertThat(all.containPackage("dev.nightshift." + module))
                    .as(module)
                    .isTrue();
        }
    }

    @Test
    void httpStaysAtTheEdgeOfTheServer() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.nightshift.server.session..", "dev.nightshift.server.turn..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.javalin..")
                .check(all);
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Manager")
                .or()
                .haveSimpleNameEndingWith("Integration")
                .or()
                .haveSimpleNameEndingWith("Service")
                .or()
                .haveSimpleNameEndingWith("Dispatcher")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.javalin..")
                .check(all);
    }

    @Test
    void timeIsReadThroughAClock() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.nightshift.bench..")
                .should()
                .callMethod(Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(LocalDateTime.class, "now")
                .orShould()
                .callMethod(LocalDate.class, "now")
                .orShould()
                .callMethod(OffsetDateTime.class, "now")
                .orShould()
                .callMethod(ZonedDateTime.class, "now")
                .because("decisions that depend on the time take an injected java.time.Clock, so tests control it")
                .check(all);
    }
}
