package attnscope.output;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says in words why an I/O operation failed. Java's file-system exceptions carry the path as
 * their message ("AccessDeniedException: /x/y") and the reason apart, or not at all.
 */
public final class IoProblems {
    private IoProblems() {
    }

    /**
     * What stands at {@code path} when it is not a regular file, in words: "a folder", "a FIFO (named
     * pipe)", "a character device", "a socket", "a symbolic link to X, which does not exist", "missing".
     * Reads only the file's attributes: never opens it (opening a FIFO blocks until a writer comes).
     */
    public static String kindOf(java.nio.file.Path path) {
        java.nio.file.LinkOption noFollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        if (java.nio.file.Files.isSymbolicLink(path) && !java.nio.file.Files.exists(path)) {
            String target;
            try {
                target = String.valueOf(java.nio.file.Files.readSymbolicLink(path));
            } catch (IOException e) {
                target = "?";
            }
            try {
                path.toRealPath();
            } catch (java.nio.file.FileSystemException e) {
                if (e.getReason() != null && e.getReason().contains("symbolic links")) {
                    return "a symbolic link that leads back to itself (a loop)";
                }
            } catch (IOException e) {
                // dangling, as said below
            }
            return "a symbolic link to " + target + ", which does not exist";
        }
        if (!java.nio.file.Files.exists(path)) {
            return "missing";
        }
        if (java.nio.file.Files.isDirectory(path)) {
            return "a folder";
        }
        if (java.nio.file.Files.isRegularFile(path)) {
            return "a regular file";
        }
        try {
            int mode = (Integer) java.nio.file.Files.getAttribute(path, "unix:mode");
            switch (mode & 0170000) {
                case 0010000: return "a FIFO (named pipe)";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not a Unix file system: say it generally
        }
        return "not a regular file";
    }

    /** "permission denied", "No space left on device", ...: the reason without the path. */
    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException) {
            return "a file stands where a folder is needed";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "something else already has that name";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ').strip();
    }
}
