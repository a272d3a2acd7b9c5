package attnscope.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary files and folders that must not outlive the process: registered while they exist,
 * deleted by a shutdown hook when the process ends on SIGINT, SIGTERM or {@code System.exit}
 * before the code that made them could clean up (a {@code finally} block does not run then).
 * {@code kill -9} runs no hook: for that, names carry the process id, so that the next run can
 * recognise and remove what a dead process left ({@link #pidIsRunning}).
 */
public final class CleanupOnExit implements AutoCloseable {
    private static final Set<Path> REGISTERED = ConcurrentHashMap.newKeySet();

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> REGISTERED.forEach(CleanupOnExit::deleteTree),
                    "attnscope-temporary-cleanup"));
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private final Path path;

    private CleanupOnExit(Path path) {
        this.path = path;
    }

    /** Deletes {@code path} (a file or a folder tree) if the process ends before {@link #close()}. */
    public static CleanupOnExit register(Path path) {
        Path p = path.toAbsolutePath().normalize();
        REGISTERED.add(p);
        return new CleanupOnExit(p);
    }

    /** The path is no longer temporary (renamed into place) or was removed: forget it. */
    @Override
    public void close() {
        REGISTERED.remove(path);
    }

    /** Whether a process id read from a leftover's name belongs to a running process. */
    public static boolean pidIsRunning(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).isPresent();
        } catch (NumberFormatException e) {
            return true; // not a name of ours: leave it
        }
    }

    /** Best effort, a few times (a writer may still be adding files); never follows links. */
    public static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                // try again
            }
        }
    }
}
