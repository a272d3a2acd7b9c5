package attnscope.output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** A file written under a temporary name in its own folder, then renamed into place. */
public final class AtomicWrite {
    private AtomicWrite() {
    }

    static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            // Said before anything is written: renaming the temporary file over a folder would fail naming the temporary file.
            throw new FolderInTheWayException("a folder of that name is in the way: give a file name, not a folder");
        }
        Files.createDirectories(dir);
        // A name of our own rather than createTempFile, whose owner-only permissions would stay on the
        // file; the thread id keeps figures drawn in parallel apart.
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".tmp");
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A folder stands where a file goes: the message says so in full, no guess about the disk is needed. */
    public static final class FolderInTheWayException extends java.nio.file.FileSystemException {
        private static final long serialVersionUID = 1L;

        FolderInTheWayException(String reason) {
            super(null, null, reason);
        }
    }
}
