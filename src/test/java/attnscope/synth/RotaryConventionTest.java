package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import attnscope.attention.Rotary;
import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * present.0.key is k_proj's output rotated by attnscope.attention.Rotary: the graph (decomposed
 * Mul/Slice/Neg/Concat, or GroupQueryAttention's own rotary) uses the same convention as the
 * project's reference code.
 */
class RotaryConventionTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Style.class)
    void presentKeyIsRotatedKProjection(Style style) throws Exception {
        SynthSpec spec = SynthSpec.qwen25Geometry(1).vocab(512).intermediate(256).style(style).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        String kProj = OrtRunner.tensorsOf(dir, "Add", n -> n.endsWith("/k_proj/Add"), -1).get(0);
        long[] ids = SyntheticModelRunsTest.IDS;
        int t = ids.length;
        int d = spec.headDim();
        Map<String, OrtRunner.Output> out = OrtRunner.runExposing(dir, List.of(kProj), ids);
        float[] k = out.get(kProj).values(); // (1, T, Hkv·d)
        float[] present = out.get("present.0.key").values(); // (1, Hkv, T, d)
        Rotary rotary = new Rotary(d, spec.ropeTheta());
        for (int kv = 0; kv < spec.kvHeads(); kv++) {
            float[] head = new float[t * d]; // (T, d)
            for (int p = 0; p < t; p++) {
                System.arraycopy(k, (p * spec.kvHeads() + kv) * d, head, p * d, d);
            }
            rotary.applyInPlace(head, Rotary.positions(t));
            for (int i = 0; i < t * d; i++) {
                float want = head[i];
                float got = present[kv * t * d + i];
                assertEquals(want, got, 1e-4 + 1e-4 * Math.abs(want), style + " kv head " + kv + " index " + i);
            }
        }
    }
}
