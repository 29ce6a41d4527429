package dev.nightshift.sandbox.archive;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Converts between POSIX permission sets and the octal bits a tar header carries. */
final class Modes {
    /** rwx for owner, group, others; setuid, setgid and sticky bits are never stored or restored. */
    static final int PERMISSION_BITS = 0777;

    private static final PosixFilePermission[] BY_BIT = PosixFilePermission.values();

    private Modes() {}

    static int toBits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission permission : permissions) {
            bits |= bitOf(permission);
        }
        return bits;
    }

    static Set<PosixFilePermission> fromBits(int bits) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : BY_BIT) {
            if ((bits & bitOf(permission)) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }

    /** OWNER_READ is declared first and is 0400, OTHERS_EXECUTE last and is 0001. */
    private static int bitOf(PosixFilePermission permission) {
        return 1 << (BY_BIT.length - 1 - permission.ordinal());
    }
}
