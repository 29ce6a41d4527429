package dev.nightshift.core.sandbox;

/**
 * Where a sandbox is in its life:
 * {@code provisioning → ready → hibernating → hibernated → restoring → ready}, plus {@code failed}
 * and {@code destroyed}.
 */
public enum SandboxState {
    PROVISIONING,
    READY,
    HIBERNATING,
    HIBERNATED,
    RESTORING,
    FAILED,
    DESTROYED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
