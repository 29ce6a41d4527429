package dev.nightshift.linear;

import java.time.Duration;

/** Waiting, replaceable so tests can check how long the code would wait without waiting. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    /** Waits on the calling thread. */
    void sleep(Duration duration) throws InterruptedException;
}
