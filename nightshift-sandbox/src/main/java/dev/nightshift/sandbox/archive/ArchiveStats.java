package dev.nightshift.sandbox.archive;

/**
 * What a snapshot archive held, as counted while writing or extracting it.
 *
 * @param files regular files
 * @param directories directories
 * @param symlinks symbolic links (stored as links, never followed)
 * @param contentBytes bytes of file content, before compression
 * @param skipped entries left out while writing: sockets, fifos, devices and symlinks that point
 *     outside the archive (extraction would refuse them); always 0 after extraction
 */
public record ArchiveStats(int files, int directories, int symlinks, long contentBytes, int skipped) {
    /** Entries in the archive. */
    public int entries() {
        return files + directories + symlinks;
    }
}
