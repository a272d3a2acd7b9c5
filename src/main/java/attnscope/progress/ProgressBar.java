package attnscope.progress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar for a job of known size, written to stderr (never stdout, which belongs to
 * the command's result). On a terminal it redraws one line in place, at most ten times a
 * second:
 * <pre>
 *   model.onnx  42% [########------------]  830.1 MB / 1.99 GB  41.2 MB/s  0:28 left
 * </pre>
 * When stderr is not a terminal (a log file, CI) it prints one plain line at the end, and one
 * every half minute before that for a long job, so that a log stays short and never holds a
 * {@code \r}; with {@code --quiet} it prints nothing ({@link ProgressMode}). Works for bytes
 * ({@link #bytes}) and for counted items ({@link #items}, e.g. figures).
 *
 * <p>Speed is the average since the start (or since {@link #resumeFrom}), which is steadier than
 * an instantaneous rate; time left = remaining / speed.
 */
public final class ProgressBar implements AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 20;
    /** In a log, a line at most this often: a one-second step is one line, a 10-minute download twenty. */
    private static final long PLAIN_EVERY_NANOS = 30_000_000_000L;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintWriter err;
    private final ProgressMode mode;
    private final LongSupplier nanoClock;

    private long done;
    private long startDone;
    private final long startNanos;
    private long lastDrawNanos;
    private long lastPlainNanos;
    private boolean finished;

    private ProgressBar(String label, long total, String unit, PrintWriter err, ProgressMode mode, LongSupplier nanoClock) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be ≥ 0, found " + total);
        }
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.err = err;
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastPlainNanos = startNanos;
        this.lastDrawNanos = startNanos - REDRAW_NANOS; // the first advance draws at once
    }

    /** A bar counting bytes (shown as kB/MB/GB and a speed in MB/s). */
    public static ProgressBar bytes(String label, long totalBytes, PrintWriter err, ProgressMode mode) {
        return new ProgressBar(label, totalBytes, null, err, mode, System::nanoTime);
    }

    /** As {@link #bytes(String, long, PrintWriter, ProgressMode)}: redrawn when {@code interactive}, else a log's lines. */
    public static ProgressBar bytes(String label, long totalBytes, PrintWriter err, boolean interactive) {
        return bytes(label, totalBytes, err, interactive ? ProgressMode.TERMINAL : ProgressMode.LOG);
    }

    /** A bar counting items, e.g. {@code items("figures", 361, "figures", err, mode)}. */
    public static ProgressBar items(String label, long totalItems, String unit, PrintWriter err, ProgressMode mode) {
        return new ProgressBar(label, totalItems, unit, err, mode, System::nanoTime);
    }

    /** For tests: a bar with an injected clock (nanoseconds). */
    static ProgressBar withClock(String label, long total, String unit, PrintWriter err, ProgressMode mode, LongSupplier nanoClock) {
        return new ProgressBar(label, total, unit, err, mode, nanoClock);
    }

    /** Whether this process's stderr is a terminal (see {@link ProgressMode#stderrIsTerminal()}). */
    public static boolean stderrIsTerminal() {
        return ProgressMode.stderrIsTerminal();
    }

    /**
     * Counts {@code n} units that were already done before this run (a resumed download, a
     * file verified earlier): they count towards the percentage but not towards the speed.
     */
    public synchronized void skip(long n) {
        done = Math.min(total, done + n);
        startDone = Math.min(total, startDone + n);
    }

    /** Adds {@code n} units of finished work and redraws when it is time; safe to call from several threads. */
    public synchronized void advance(long n) {
        done = Math.min(total, done + n);
        long now = nanoClock.getAsLong();
        if (mode == ProgressMode.TERMINAL) {
            if (now - lastDrawNanos >= REDRAW_NANOS) {
                lastDrawNanos = now;
                err.print("\r" + line(now) + "  ");
                err.flush();
            }
        } else if (mode == ProgressMode.LOG && done < total && now - lastPlainNanos >= PLAIN_EVERY_NANOS) {
            lastPlainNanos = now;
            err.println(line(now));
            err.flush();
        }
    }

    /** Prints the final state (100 % when all work was done) and ends the line. */
    @Override
    public synchronized void close() {
        if (finished) {
            return;
        }
        finished = true;
        if (mode == ProgressMode.QUIET) {
            return;
        }
        String text = line(nanoClock.getAsLong());
        err.println(mode == ProgressMode.TERMINAL ? "\r" + text + "  " : text);
        err.flush();
    }

    /** The done count so far. */
    public synchronized long done() {
        return done;
    }

    int percent() {
        return total == 0 ? 100 : (int) (100 * done / total);
    }

    /** The text of the bar at time {@code now}, without control characters. */
    String line(long now) {
        int percent = percent();
        int filled = BAR_WIDTH * percent / 100;
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(String.format(Locale.ROOT, " %3d%% [", percent));
        sb.append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        sb.append(amount(done)).append(" / ").append(amount(total));
        double seconds = (now - startNanos) / 1e9;
        long counted = done - startDone;
        if (seconds > 0.05 && counted > 0) {
            double perSecond = counted / seconds;
            sb.append("  ").append(amount((long) perSecond)).append("/s");
            if (done < total) {
                sb.append("  ").append(duration((total - done) / perSecond)).append(" left");
            } else {
                sb.append("  in ").append(duration(seconds));
            }
        }
        return sb.toString();
    }

    private String amount(long n) {
        if (unit != null) {
            return n + " " + unit;
        }
        return humanBytes(n);
    }

    /** 1.99 GB, 830.1 MB, 12.0 kB, 512 B (powers of 1000, as download tools show). */
    public static String humanBytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int i = -1;
        while (v >= 1000 && i < units.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[i]);
    }

    /** h:mm:ss or m:ss. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, Math.min(seconds, 359_999)));
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
