package dev.nightshift.slack;

import com.slack.api.util.thread.DaemonThreadExecutorServiceProvider;
import com.slack.api.util.thread.ExecutorServiceProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The SDK's thread pools for one {@link SocketModeConnector}, kept so {@link #close} can stop them
 * all: the Socket Mode client does not stop every pool it makes (the one that closes replaced
 * sessions outlives it), and Bolt's app pool is never stopped by the SDK. The threads are the SDK's
 * usual daemon threads.
 */
final class OwnedExecutors implements ExecutorServiceProvider, AutoCloseable {

    private final ExecutorServiceProvider threads = DaemonThreadExecutorServiceProvider.getInstance();
    private final List<ExecutorService> made = new CopyOnWriteArrayList<>();

    @Override
    public ExecutorService createThreadPoolExecutor(String threadGroupName, int poolSize) {
        ExecutorService executor = threads.createThreadPoolExecutor(threadGroupName, poolSize);
        made.add(executor);
        return executor;
    }

    @Override
    public ScheduledExecutorService createThreadScheduledExecutor(String threadGroupName) {
        ScheduledExecutorService executor = threads.createThreadScheduledExecutor(threadGroupName);
        made.add(executor);
        return executor;
    }

    /** Stops every pool made so far, interrupting what runs. */
    @Override
    public void close() {
        made.forEach(ExecutorService::shutdownNow);
    }
}
