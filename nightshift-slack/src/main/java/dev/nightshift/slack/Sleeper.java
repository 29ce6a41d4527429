package dev.nightshift.slack;

import java.time.Duration;

/** Waiting, replaceable so tests can check how long the code would wait without waiting. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
