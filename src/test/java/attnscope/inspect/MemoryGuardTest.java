package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.capture.HookedModel;
import attnscope.model.ModelConfig;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.synth.SynthSpec;
import attnscope.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 17: the guard admitted runs that died with OutOfMemoryError, and printed "0.0 GiB" for small limits. */
class MemoryGuardTest {
    static final long GIB = 1L << 30;

    /**
     * The estimate counts every tensor an inspection really holds: the capture (q, k, v, pattern, z
     * and the tensors before rotary), the reference, and the logits of both runs. The old estimate left
     * out the logits (T × vocabulary, the largest part at small T) and the tensors before rotary.
     */
    @Test
    void theEstimateCoversEveryTensorAnInspectionHolds() {
        Path dir = SynthFixtures.model("tiny-dec", SynthFixtures.tiny(SynthSpec.Style.DECOMPOSED));
        int[] ids = InspectSyntheticTest.IDS;
        TextTokenizer.Tokens tokens = TextTokenizer.unlabelled(ids);
        ModelConfig config = ModelConfig.read(dir);
        HookedModel.Prepared prepared = Inspector.prepare(dir, config, null, MemoryGuard.DEFAULT_LIMIT, Device.CPU, line -> { },
                List.of(tokens));
        long held;
        try (HookedModel model = prepared.open(Device.CPU)) {
            HookedModel.Capture capture = model.capture(ids);
            Tensor plain = model.plainForward(ids);
            InspectionResult r = Inspector.verify(model, tokens, capture, plain);
            held = Stream.of(capture.cache().all().values().stream(), r.reference().all().values().stream(),
                            capture.qBeforeRotary().values().stream(), capture.kBeforeRotary().values().stream(),
                            Stream.of(capture.output(), plain))
                    .flatMap(s -> s).mapToLong(t -> (long) t.size() * Float.BYTES).sum();
        }
        long estimate = MemoryGuard.estimateBytes(config, config.layers(), ids.length);
        assertTrue(estimate >= held, "estimate " + estimate + " < " + held + " bytes held");
        assertTrue(estimate <= 2 * held, "and not wildly above: " + estimate + " for " + held);
    }

    /** The case: Qwen2.5's geometry, 2 layers, T = 3000, a 2 GiB heap; admitted as "about 1.9 GiB", then OutOfMemoryError. */
    @Test
    void theFreeHeapLimitsAsMuchAsMaxMemory() {
        ModelConfig geometry = new ModelConfig("qwen2", 896, 2, 14, 2, 64, 1024, 1024, 1e6, 1e-6, 32768, true, true);
        InputException e = assertThrows(InputException.class,
                () -> MemoryGuard.require(geometry, 2, 3000, 100 * GIB, 2 * GIB));
        assertTrue(e.getMessage().contains("more than the 2.0 GiB the Java heap has free"), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx") && e.getMessage().contains("--layers"), e.getMessage());
        assertTrue(MemoryGuard.estimateBytes(geometry, 2, 3000) > 2.3 * GIB, "the real need is above 2 GiB");
        assertDoesNotThrow(() -> MemoryGuard.require(geometry, 2, 1000, 2 * GIB, 2 * GIB));
        InputException limit = assertThrows(InputException.class, () -> MemoryGuard.require(geometry, 2, 3000, GIB, 100 * GIB));
        assertTrue(limit.getMessage().contains("more than the limit of 1.0 GiB (--max-memory)"), limit.getMessage());
    }

    @Test
    void sizesAreWrittenInAUnitThatFits() {
        assertEquals("1 byte", MemoryGuard.size(1));
        assertEquals("1000 bytes", MemoryGuard.size(1000));
        assertEquals("1.0 KiB", MemoryGuard.size(1024));
        assertEquals("136.7 KiB", MemoryGuard.size(140_000));
        assertEquals("1.5 MiB", MemoryGuard.size(3L << 19));
        assertEquals("1.9 GiB", MemoryGuard.size(2_040_000_000L));
        assertEquals("8.0 EiB", MemoryGuard.size(Long.MAX_VALUE));
        ModelConfig tiny = new ModelConfig("qwen2", 64, 2, 4, 2, 16, 128, 512, 1e4, 1e-6, 512, true, true);
        // T = 8, H = 4, Hkv = 2, d = 16, V = 512, 2 layers, in floats: per layer 3·H·T·d + 3·Hkv·T·d + 2·H·T² (pattern and
        // scores) + H·T² + H·T·d = 3584; once 2·T·V + H·T² = 8448; (2 · 3584 + 8448) · 4 B = 62,464 B = 61.0 KiB.
        InputException e = assertThrows(InputException.class, () -> MemoryGuard.require(tiny, 2, 8, 1024, GIB));
        assertFalse(e.getMessage().contains("0.0 GiB"), e.getMessage());
        assertTrue(e.getMessage().contains("needs about 61.0 KiB") && e.getMessage().contains("more than the limit of 1.0 KiB"),
                e.getMessage());
    }

    @Test
    void absurdLengthsSaturateInsteadOfOverflowing() {
        ModelConfig q = ModelConfig.qwen25_05b();
        assertEquals(Long.MAX_VALUE, MemoryGuard.estimateBytes(q, 24, Integer.MAX_VALUE));
        assertThrows(InputException.class, () -> MemoryGuard.require(q, 24, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1));
    }
}
