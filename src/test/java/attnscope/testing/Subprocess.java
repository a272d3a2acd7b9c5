package attnscope.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * attnscope (or another main class of the build) as a real process of its own, so that tests can
 * send it signals: {@code java -cp <the test class path> MAIN ARGS}, stderr and stdout into a file.
 */
public final class Subprocess {
    private Subprocess() {
    }

    /** Starts {@code main} with {@code jvmOptions} (e.g. -Dx=y) and {@code args}; output goes to {@code log}. */
    public static Process start(Class<?> main, List<String> jvmOptions, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        cmd.addAll(jvmOptions);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Sends {@code signal} ("TERM", "INT", "KILL") with kill(1). */
    public static void signal(Process p, String signal) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill -" + signal + " " + p.pid() + " failed: " + rc);
        }
    }

    /** Waits, polling every 2 ms, until {@code condition} holds; false after {@code limit} or when {@code p} ended first. */
    public static boolean await(Process p, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (!p.isAlive()) {
                return condition.getAsBoolean();
            }
            Thread.sleep(2);
        }
        return false;
    }

    /** The names in {@code dir} (empty when it does not exist). */
    public static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What the process printed. */
    public static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
