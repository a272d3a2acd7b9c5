package attnscope.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.TextTokenizer;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large single-file model is converted once to graph + external weights in the cache (here with
 * the threshold lowered so the 90 MB MiniLM counts as large), inspected from there, and the user's
 * folder is left as it was.
 */
class ExternalWeightsTest {
    @TempDir
    Path cache;

    @Test
    void largeSingleFileModelIsConvertedOnceIntoTheCache() throws Exception {
        Path model = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        List<String> before = listing(model);
        System.setProperty("attnscope.externalize.threshold", "1000000");
        System.setProperty("attnscope.cache", cache.toString());
        try {
            List<String> progress = new ArrayList<>();
            try (HookedModel m = HookedModel.open(model, Device.CPU, new int[] {0, 5}, progress::add)) {
                InspectionResult r = Inspector.inspect(m, TextTokenizer.unlabelled(new int[] {101, 1996, 4937, 102}));
                assertTrue(r.passed());
            }
            assertEquals(1, progress.size(), progress.toString());
            assertTrue(progress.get(0).startsWith("converting "), progress.get(0));
            Path converted;
            try (Stream<Path> s = Files.list(cache.resolve("external"))) {
                converted = s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            assertTrue(Files.size(converted.resolve("model.onnx")) < 1_000_000, "the graph alone is small");
            assertTrue(Files.size(converted.resolve("model.onnx.data")) > 80_000_000, "the weights moved out");
            // Second open: the cache is reused, no conversion.
            progress.clear();
            try (HookedModel m = HookedModel.open(model, Device.CPU, new int[] {1}, progress::add)) {
                assertEquals(List.of(), progress);
            }
            assertEquals(before, listing(model), "the user's model folder is untouched");
        } finally {
            System.clearProperty("attnscope.externalize.threshold");
            System.clearProperty("attnscope.cache");
        }
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName() + ":" + p.toFile().length()).sorted().toList();
        }
    }
}
