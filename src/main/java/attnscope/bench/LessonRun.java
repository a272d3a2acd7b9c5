package attnscope.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run of the whole {@code attnscope lesson} command as a separate process, as a teacher would
 * start it: wall time, exit code, and its peak resident memory, polled from /proc while it runs
 * (VmHWM only grows, so the last reading before the exit is the peak up to that moment).
 *
 * @param seconds      wall time from start to exit
 * @param exitCode     the process's exit code
 * @param peakRssBytes the child's peak RSS, or -1 where /proc could not be read
 * @param firstError   the first line the command wrote to stderr, for a failed run
 */
public record LessonRun(double seconds, int exitCode, long peakRssBytes, Optional<String> firstError) {
    /** How often /proc/PID/status is read. */
    private static final long POLL_MILLIS = 20;

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * Runs {@code java -jar JAR lesson ARGS...} with this JVM's java binary and waits for it.
     *
     * @param timeoutSeconds the run is killed after this and reported as exit code 124
     */
    public static LessonRun run(Path jar, List<String> lessonArgs, Path workDir, long timeoutSeconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.add("lesson");
        cmd.addAll(lessonArgs);
        Path stderr = Files.createTempFile(workDir, "lesson", ".stderr");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(stderr.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            long peak = -1;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            try {
                while (!p.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    peak = Math.max(peak, PeakMemory.peakRssBytes(p.pid()));
                    if (System.nanoTime() > deadline) {
                        p.destroyForcibly().waitFor();
                        return new LessonRun((System.nanoTime() - t0) / 1e9, 124, peak,
                                Optional.of("killed after " + timeoutSeconds + " s"));
                    }
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lesson command", e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Optional<String> error = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).findFirst();
            return new LessonRun(seconds, p.exitValue(), peak, p.exitValue() == 0 ? Optional.empty() : error);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
