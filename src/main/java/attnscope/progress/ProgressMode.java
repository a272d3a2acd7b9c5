package attnscope.progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How progress is shown on stderr. A bar that redraws itself with {@code \r} is only readable on
 * a terminal: in a log file every redraw becomes a line of its own. So a terminal gets
 * {@link #TERMINAL}, a file or pipe gets {@link #LOG} (a plain line now and then, and one at the
 * end), and {@code --quiet} gets {@link #QUIET} (nothing).
 */
public enum ProgressMode {
    /** Redrawn in place, at most ten times a second. */
    TERMINAL,
    /** Plain lines: one at the end, and one every half minute for a job that takes longer. */
    LOG,
    /** Nothing at all. */
    QUIET;

    /** The system property the launcher sets to what {@code [ -t 2 ]} says, where the shell knows for sure. */
    public static final String STDERR_TTY_PROPERTY = "attnscope.stderr.tty";

    /** QUIET when asked, otherwise TERMINAL or LOG depending on where this process's stderr goes. */
    public static ProgressMode forStderr(boolean quiet) {
        return quiet ? QUIET : stderrIsTerminal() ? TERMINAL : LOG;
    }

    /**
     * Whether this process's stderr (file descriptor 2) is a terminal. Java has no isatty:
     * {@link System#console()} only says whether stdin and stdout are one, so {@code 2> log.txt}
     * typed at a terminal would still look interactive. In order: what the launcher measured
     * ({@value #STDERR_TTY_PROPERTY}), then where Linux says fd 2 points ({@code /proc/self/fd/2}
     * → {@code /dev/pts/N} or {@code /dev/tty*}), then the console as a last resort. TERM unset or
     * {@code dumb} (editors, CI runners) is never a terminal for this purpose.
     */
    public static boolean stderrIsTerminal() {
        String term = System.getenv("TERM");
        if (term == null || term.isEmpty() || term.equals("dumb")) {
            return false;
        }
        String told = System.getProperty(STDERR_TTY_PROPERTY);
        if (told != null && !told.isBlank()) {
            return Boolean.parseBoolean(told.strip());
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd2).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // fall through to the console
            }
        }
        return System.console() != null;
    }

    /** A path that names a terminal device: a pseudo-terminal, a tty, the system console. */
    static boolean isTerminalDevice(String path) {
        return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
    }
}
