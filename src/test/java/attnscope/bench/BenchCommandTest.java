package attnscope.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import attnscope.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnscope bench --quick} end to end: bench.json has exactly CONTRACT.md's keys, types and
 * counts, and a step that cannot run is -1 rather than a made-up time. No timing is asserted.
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    private static Run bench(String... args) {
        return Cli.run(Stream.concat(Stream.of("bench"), Stream.of(args)).toArray(String[]::new));
    }

    @Test
    void quickWritesBenchJsonInTheContractFormat() throws Exception {
        Path model = tmp.resolve("model");
        Path out = tmp.resolve("out");
        Run r = bench("--quick", "--tokens", "12,6", "--model-cache", model.toString(), "--out", out.toString(),
                "--jar", tmp.resolve("missing.jar").toString());
        assertEquals(0, r.exit(), r.err());

        JsonNode root = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertEquals(List.of("cores", "ortThreads", "modelBytes", "runs", "results"), names(root));
        assertTrue(root.get("cores").isInt() && root.get("cores").asInt() >= 1);
        assertTrue(root.get("ortThreads").isInt() && root.get("ortThreads").asInt() >= 1);
        assertTrue(root.get("modelBytes").isIntegralNumber());
        assertEquals(Files.size(model.resolve("model.onnx")) + Files.size(model.resolve("model.onnx.data")),
                root.get("modelBytes").asLong());
        assertEquals(1, root.get("runs").asInt(), "--quick runs once");

        JsonNode results = root.get("results");
        assertEquals(2, results.size());
        int[] expectedTokens = {6, 12}; // ascending, whatever order they were given in
        for (int i = 0; i < results.size(); i++) {
            JsonNode res = results.get(i);
            assertEquals(List.of("tokens", "seconds", "figureCount", "peakRssBytes"), names(res));
            assertEquals(expectedTokens[i], res.get("tokens").asInt());
            JsonNode s = res.get("seconds");
            assertEquals(List.of("session", "plainForward", "hookedForward", "reference", "figures", "lesson"), names(s));
            for (String step : List.of("session", "plainForward", "hookedForward", "reference", "figures")) {
                assertTrue(s.get(step).isNumber() && s.get(step).asDouble() > 0, step + " is a positive time: " + s);
            }
            assertEquals(-1.0, s.get("lesson").asDouble(), "no jar: the lesson is not measured, and says so with -1");
            // The quick model: 2 layers × 14 heads, one grid per layer, one overview.
            assertEquals(2 * 14 + 2 + 1, res.get("figureCount").asInt());
            assertTrue(res.get("peakRssBytes").isIntegralNumber() && res.get("peakRssBytes").asLong() > 0);
        }
        assertTrue(r.out().contains("Targets (T = 6"), r.out());
        assertTrue(r.out().contains("not measured"), "the missing lesson is named in the table:\n" + r.out());
        assertEquals(r.out(), Files.readString(out.resolve("bench.txt")));

        // A second run reuses the cached model instead of writing it again.
        Run again = bench("--quick", "--tokens", "6", "--model-cache", model.toString(), "--out", out.toString(), "--no-lesson");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("reusing the model"), again.err());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertEquals(2, bench("--quick", "--runs", "0", "--out", tmp.toString()).exit());
        assertEquals(2, bench("--quick", "--tokens", "1", "--out", tmp.toString()).exit());
        assertEquals(2, bench("--quick", "--tokens", "8,8", "--out", tmp.toString()).exit());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
