package attnscope.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What the benchmark measured, in the shape of CONTRACT.md's {@code bench.json}, plus the details
 * that only the printed table carries (the two sessions apart, the lesson process's memory, notes).
 *
 * @param cores      processors the JVM sees
 * @param ortThreads ONNX Runtime's intra-op threads per session
 * @param modelBytes model.onnx + its weight file
 * @param runs       timed runs per step (after one warm-up run); each time is their median
 * @param results    one per T, ascending
 * @param session    the session-creation times apart (the same for every T: it does not depend on T)
 * @param guardMaxTokens the largest T the memory guard admits for all layers at its default limit
 * @param layers     the model's layers (all are captured)
 * @param heads      query heads per layer
 */
public record BenchReport(int cores, int ortThreads, long modelBytes, int runs, List<Result> results, SessionTimes session,
        int guardMaxTokens, int layers, int heads) {

    /** Median seconds of each step, CONTRACT.md's names; a step that could not run is -1. */
    public record Seconds(double session, double plainForward, double hookedForward, double reference, double figures,
            double lesson) {
    }

    /**
     * One T.
     *
     * @param peakRssBytes       peak RSS of the benchmark process during this T's steps (both sessions open)
     * @param lessonPeakRssBytes peak RSS of the lesson process, or -1 where it did not run
     * @param lessonNote         why the lesson is n/a, if it is
     * @param checksPassed       every check of the inspection passed (a benchmark of a failing pipeline is void)
     * @param withinGuard        the memory guard admits this T for all layers
     */
    public record Result(int tokens, Seconds seconds, int figureCount, long peakRssBytes, long lessonPeakRssBytes,
            Optional<String> lessonNote, boolean checksPassed, boolean withinGuard) {
    }

    /** Median seconds to create the hooked session and the untouched one (the lesson needs both). */
    public record SessionTimes(double hooked, double plain) {
        public double total() {
            return hooked + plain;
        }
    }

    /** bench.json exactly as CONTRACT.md writes it (keys in its order). */
    public String json() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("cores", cores);
        root.put("ortThreads", ortThreads);
        root.put("modelBytes", modelBytes);
        root.put("runs", runs);
        ArrayNode list = root.putArray("results");
        for (Result r : results) {
            ObjectNode o = list.addObject();
            o.put("tokens", r.tokens());
            ObjectNode s = o.putObject("seconds");
            s.put("session", round(r.seconds().session()));
            s.put("plainForward", round(r.seconds().plainForward()));
            s.put("hookedForward", round(r.seconds().hookedForward()));
            s.put("reference", round(r.seconds().reference()));
            s.put("figures", round(r.seconds().figures()));
            s.put("lesson", round(r.seconds().lesson()));
            o.put("figureCount", r.figureCount());
            o.put("peakRssBytes", r.peakRssBytes());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename, so a reader never sees half a file. */
    public static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Microsecond resolution is plenty for medians of noisy runs; -1 stays -1. */
    private static double round(double seconds) {
        return seconds < 0 ? -1 : Math.round(seconds * 1e6) / 1e6;
    }
}
