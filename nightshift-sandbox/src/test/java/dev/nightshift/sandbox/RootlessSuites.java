package dev.nightshift.sandbox;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the sandbox suites against rootless sandboxes: the bubblewrap provider is rootless whenever
 * the JVM is not root, so these are the very suites root runs, run by an ordinary user. Used as a
 * main by {@link RootlessContractTest} in a child JVM it starts as an unprivileged user, and
 * in-process when the test JVM is not root itself.
 */
final class RootlessSuites {
    /** The suites every rootless sandbox passes: the contract, the hostile suite, the provider's own. */
    static final List<Class<?>> SUITES =
            List.of(BubblewrapContractTest.class, EscapeTest.class, BubblewrapSandboxTest.class);

    private RootlessSuites() {}

    /** Runs the suites; returns the summary with every failure's stack trace, and whether all passed. */
    static Result run(List<Class<?>> suites) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(suites.stream().map(c -> selectClass(c)).toList())
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        summary.printTo(out);
        summary.printFailuresTo(out, 30);
        out.flush();
        boolean passed = summary.getTotalFailureCount() == 0
                && summary.getTestsSucceededCount() > 0
                && summary.getTestsSkippedCount() == 0
                && summary.getTestsAbortedCount() == 0;
        return new Result(passed, summary.getTestsSucceededCount(), text.toString());
    }

    record Result(boolean passed, long succeeded, String report) {}

    /** Exit status 0 when every test of the named classes passed; the report on stdout. */
    public static void main(String[] args) throws ClassNotFoundException {
        List<Class<?>> suites = args.length == 0 ? SUITES : classes(args);
        System.out.println("rootless: " + !BubblewrapProvider.isRoot());
        Result result = run(suites);
        System.out.println(result.report());
        System.out.println("ROOTLESS-SUITES " + (result.passed() ? "PASSED" : "FAILED") + " " + result.succeeded());
        System.exit(result.passed() ? 0 : 1);
    }

    private static List<Class<?>> classes(String[] names) throws ClassNotFoundException {
        Class<?>[] classes = new Class<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            classes[i] = Class.forName(names[i]);
        }
        return Arrays.asList(classes);
    }
}
