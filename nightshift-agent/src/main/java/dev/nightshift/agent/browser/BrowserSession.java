package dev.nightshift.agent.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.nightshift.core.sandbox.ReservedPorts;
import dev.nightshift.core.sandbox.Sandbox;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's browser in one sandbox, as the control plane holds it: a Playwright connection over
 * CDP to the sandbox's Chromium, through a {@link CdpForwarder}. Playwright for Java is not
 * thread-safe, so every Playwright call runs on this session's own thread ({@code browser-<sandbox>});
 * tool calls hand it work through {@link #call} and wait a bounded time. A call that does not come
 * back in time marks the session broken and cuts its connection: {@link Browsers} then makes a new
 * one, which kills and restarts Chromium. A browser that died between calls (a crash, the stop
 * button) is noticed before the next call's work and restarted for it. While a recording runs the
 * thread also pumps Playwright's events between calls, since Chromium sends the next screencast
 * frame only once the last one is acknowledged.
 */
final class BrowserSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserSession.class);

    /** What a call may take beyond its own timeout before the session counts as hung. */
    static final Duration GRACE = Duration.ofSeconds(10);

    /** How long connecting (and starting Chromium when it does not run) may take. */
    static final Duration CONNECT_TIMEOUT = Chromium.START_TIMEOUT.plusSeconds(30);

    static final int MAX_CONSOLE_ENTRIES = 200;
    static final int MAX_CONSOLE_ENTRY_CHARS = 500;

    /** Work for the browser thread; it may use the {@link Live} objects it is given. */
    @FunctionalInterface
    interface Work<T> {
        T run(Live live) throws Exception;
    }

    /** The Playwright objects of a connected session; only for use on the browser thread. */
    record Live(Page page, BrowserContext context, BrowserSession session) {}

    private record Task<T>(Work<T> work, CompletableFuture<Boolean> connected, CompletableFuture<T> result) {}

    final Sandbox sandbox;
    private final boolean freshChromium;
    private final Thread thread;
    private final LinkedBlockingQueue<Task<?>> tasks = new LinkedBlockingQueue<>();
    private final Deque<String> console = new ArrayDeque<>();
    private volatile boolean broken;
    private volatile boolean closed;
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile CdpForwarder forwarder;
    private final java.util.concurrent.atomic.AtomicReference<Recording> finished =
            new java.util.concurrent.atomic.AtomicReference<>();

    // the browser thread's own
    private Playwright playwright;
    private Browser browser;
    private CDPSession browserCdp;
    private Page page;
    private boolean everConnected;
    private boolean restartedForCall;
    volatile Recording recording; // read by the sweep's thread too

    /** What the agent acted on since the last navigation, for annotated screenshots (browser thread). */
    final List<Annotations.Mark> marks = new ArrayList<>();

    BrowserSession(Sandbox sandbox, boolean freshChromium) {
        this.sandbox = sandbox;
        this.freshChromium = freshChromium;
        this.thread =
                Thread.ofPlatform().daemon().name("browser-" + sandbox.id()).start(this::loop);
    }

    boolean broken() {
        return broken;
    }

    long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    boolean recording() {
        return recording != null;
    }

    /**
     * Runs {@code work} on the browser thread, connecting first when needed. Called on a tool's
     * thread; returns within the connect timeout plus {@code timeout} plus {@link #GRACE}.
     *
     * @throws BrowserException the work failed (its message is for the agent), or the browser hung
     */
    <T> Outcome<T> call(Duration timeout, Work<T> work) throws BrowserException, InterruptedException {
        if (broken || closed) {
            throw new BrowserException("the browser was stopped; try again");
        }
        lastUsedNanos = System.nanoTime();
        Task<T> task = new Task<>(work, new CompletableFuture<>(), new CompletableFuture<>());
        tasks.add(task);
        boolean restarted;
        try {
            restarted = task.connected().get(CONNECT_TIMEOUT.toMillis() + GRACE.toMillis(), TimeUnit.MILLISECONDS);
            T value = task.result().get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome<>(value, restarted);
        } catch (TimeoutException e) {
            hung();
            throw new BrowserException("the browser did not answer in time; it will be restarted on the next call");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BrowserException b) {
                throw b;
            }
            throw new BrowserException(BrowserException.describe(cause), cause);
        } finally {
            lastUsedNanos = System.nanoTime();
        }
    }

    /** A call's value, and whether the browser had to be restarted for it (pages were lost). */
    record Outcome<T>(T value, boolean restarted) {}

    /** A recording that stopped by itself (its limit, the browser's end) since the last call; null if none. */
    Recording takeFinished() {
        return finished.getAndSet(null);
    }

    /** Console messages and failed requests since the last time they were taken. */
    List<String> takeConsole() {
        synchronized (console) {
            List<String> all = List.copyOf(console);
            console.clear();
            return all;
        }
    }

    void note(String line) {
        String cut = line.length() > MAX_CONSOLE_ENTRY_CHARS ? line.substring(0, MAX_CONSOLE_ENTRY_CHARS) + "…" : line;
        synchronized (console) {
            if (console.size() == MAX_CONSOLE_ENTRIES) {
                console.removeFirst();
            }
            console.addLast(cut);
        }
    }

    private void hung() {
        broken = true;
        CdpForwarder f = forwarder;
        if (f != null) {
            f.close(); // the stuck Playwright call fails once its connection is gone
        }
        thread.interrupt();
    }

    private void loop() {
        try {
            while (!closed && !broken) {
                Task<?> task = tasks.poll(recording != null ? 40 : 500, TimeUnit.MILLISECONDS);
                if (task != null) {
                    run(task);
                } else if (recording != null) {
                    pump();
                }
            }
        } catch (InterruptedException e) {
            // closed or hung
        } finally {
            for (Task<?> left; (left = tasks.poll()) != null; ) {
                left.connected().complete(false);
                left.result().completeExceptionally(new BrowserException("the browser was stopped; try again"));
            }
            disconnect();
        }
    }

    private <T> void run(Task<T> task) {
        try {
            restartedForCall = false;
            connect();
            task.connected().complete(restartedForCall);
        } catch (Throwable e) {
            task.connected().complete(false);
            task.result().completeExceptionally(e);
            return;
        }
        try {
            task.result().complete(task.work().run(new Live(page, page.context(), this)));
        } catch (Throwable e) {
            task.result().completeExceptionally(e);
        }
    }

    /** Between calls while recording: lets Playwright deliver the frames (and acknowledge them). */
    private void pump() {
        try {
            if (page != null && !page.isClosed()) {
                page.waitForTimeout(15);
            }
            if (recording != null) {
                recording.tick();
                if (recording.stopped()) {
                    finished.set(recording); // at its limit: the next call keeps it
                    recording = null;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("pumping the browser's events of {} failed: {}", sandbox.id(), e.getMessage());
            if (recording != null) {
                recording.fail("the browser stopped while recording: " + BrowserException.describe(e));
                finished.set(recording);
                recording = null;
            }
        }
    }

    /** Connects unless connected and answering; restarts Chromium when it died. Browser thread. */
    private void connect() throws IOException, InterruptedException {
        // a dead Chromium is seen in the sandbox first: a CDP call on its connection could wait long
        if (browser != null && Chromium.running(sandbox) && answering()) {
            if (page == null || page.isClosed()) {
                page = pickPage(browser.contexts().getFirst());
            }
            return;
        }
        boolean wasConnected = browser != null || everConnected;
        disconnect();
        if (wasConnected) {
            restartedForCall = true;
        }
        PlaywrightDriver.prepare();
        Chromium.ensure(sandbox, freshChromium && !everConnected || wasConnected);
        String path = Chromium.devtoolsPath(sandbox, Duration.ofSeconds(10));
        forwarder = new CdpForwarder(sandbox, ReservedPorts.BROWSER_DEVTOOLS, path);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(PlaywrightDriver.environment()));
        browser = playwright
                .chromium()
                .connectOverCDP(
                        "ws://127.0.0.1:" + forwarder.port() + path,
                        new BrowserType.ConnectOverCDPOptions().setTimeout(CONNECT_TIMEOUT.toMillis()));
        browserCdp = browser.newBrowserCDPSession();
        BrowserContext context = browser.contexts().isEmpty()
                ? browser.newContext()
                : browser.contexts().getFirst();
        context.onPage(p -> {
            listen(p);
            page = p; // a pop-up the page opened becomes the one the agent drives
        });
        page = pickPage(context);
        everConnected = true;
    }

    private Page pickPage(BrowserContext context) {
        Page chosen = context.pages().stream()
                .filter(p -> !p.isClosed())
                .reduce((a, b) -> b)
                .orElseGet(context::newPage);
        listen(chosen);
        return chosen;
    }

    private final List<Page> listened = new ArrayList<>();

    private void listen(Page p) {
        if (listened.contains(p)) {
            return;
        }
        listened.removeIf(Page::isClosed);
        listened.add(p);
        p.onConsoleMessage(m -> note("console." + m.type() + ": " + m.text() + " (" + m.location() + ")"));
        p.onPageError(e -> note("page error: " + e));
        p.onRequestFailed(r -> note("request failed: " + r.method() + " " + r.url() + " — " + r.failure()));
        p.onResponse(r -> {
            if (r.status() >= 400) {
                note("request failed: " + r.request().method() + " " + r.url() + " — HTTP " + r.status());
            }
        });
    }

    /** True when the connected Chromium still answers a CDP call that does not involve the page. */
    private boolean answering() {
        try {
            return browser.isConnected() && browserCdp.send("Browser.getVersion") != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void disconnect() {
        if (recording != null) {
            recording.fail("the browser's connection ended while recording");
            finished.set(recording);
            recording = null;
        }
        CdpForwarder f = forwarder;
        if (f != null) {
            f.close(); // first: Playwright then sees the connection gone instead of waiting on it
        }
        if (playwright != null) {
            try {
                playwright.close(); // leaves Chromium running: a CDP connection's close only disconnects
            } catch (RuntimeException e) {
                LOG.debug("closing Playwright for {} failed: {}", sandbox.id(), e.getMessage());
            }
        }
        forwarder = null;
        playwright = null;
        browser = null;
        browserCdp = null;
        page = null;
        listened.clear();
    }

    /** Disconnects (Chromium keeps running in the sandbox). Any thread. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (thread.isAlive()) {
            CdpForwarder f = forwarder;
            if (f != null) {
                f.close();
            }
        }
    }
}
