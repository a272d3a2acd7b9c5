package attnscope.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident set size (VmHWM) of a process, read from Linux's /proc. The JVM heap alone would
 * miss ONNX Runtime's native memory, where the weights live.
 */
public final class PeakMemory {
    private PeakMemory() {
    }

    /** Peak RSS of this process in bytes, or -1 where /proc is not available. */
    public static long selfPeakRssBytes() {
        return peakRssBytes(Path.of("/proc/self/status"));
    }

    /** Peak RSS of another process in bytes, or -1 once it has exited (or without /proc). */
    public static long peakRssBytes(long pid) {
        return peakRssBytes(Path.of("/proc/" + pid + "/status"));
    }

    /**
     * Resets this process's peak RSS to its current RSS (Linux: writing 5 to /proc/self/clear_refs),
     * so that the next reading is the peak of what follows.
     *
     * @return whether the reset worked (false without /proc or permission)
     */
    public static boolean resetSelfPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static long peakRssBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    // "VmHWM:   123456 kB"
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
