package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * attention_mask is honoured: in a batch of two, a shorter prompt gets the same logits for its real
 * tokens as when it runs alone, padded on the right (both styles) or on the left (decomposed: only
 * the mask keeps its tokens from reading the padding before them; GroupQueryAttention takes right
 * padding only, through seqlens_k).
 */
class PaddingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Style.class)
    void rightPaddedRowMatchesItsOwnRun(Style style) throws Exception {
        SynthSpec spec = SynthSpec.tiny().style(style).seed(5).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        long[] full = SyntheticModelRunsTest.IDS;
        int t = full.length;
        int shortT = 6;
        long[] shortIds = Arrays.copyOf(full, shortT);

        long[][] ids = {full, Arrays.copyOf(shortIds, t)}; // row 1 padded with id 0
        long[][] mask = new long[2][t];
        long[][] positions = new long[2][t];
        for (int i = 0; i < t; i++) {
            mask[0][i] = 1;
            mask[1][i] = i < shortT ? 1 : 0;
            positions[0][i] = i;
            positions[1][i] = i < shortT ? i : 1; // HF fills padded positions with 1
        }
        float[] batched = OrtRunner.run(dir, "model.onnx", ids, mask, positions).get("logits").values();
        Map<String, OrtRunner.Output> alone = OrtRunner.run(dir, "model.onnx", shortIds);
        float[] want = alone.get("logits").values(); // (1, shortT, vocab)
        int vocab = spec.vocab();
        for (int i = 0; i < shortT * vocab; i++) {
            float got = batched[t * vocab + i]; // row 1 of (2, T, vocab)
            assertEquals(want[i], got, 1e-4 + 1e-4 * Math.abs(want[i]), style + " index " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void leftPaddedRowMatchesItsOwnRunInDecomposedStyle() throws Exception {
        SynthSpec spec = SynthSpec.tiny().seed(5).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        long[] full = SyntheticModelRunsTest.IDS;
        int t = full.length;
        int shortT = 6;
        int pad = t - shortT;
        long[] shortIds = Arrays.copyOfRange(full, 3, 3 + shortT);
        long[][] ids = {full, new long[t]};
        long[][] mask = new long[2][t];
        long[][] positions = new long[2][t];
        for (int i = 0; i < t; i++) {
            mask[0][i] = 1;
            positions[0][i] = i;
            mask[1][i] = i < pad ? 0 : 1;
            positions[1][i] = i < pad ? 1 : i - pad;
            ids[1][i] = i < pad ? 0 : shortIds[i - pad];
        }
        float[] batched = OrtRunner.run(dir, "model.onnx", ids, mask, positions).get("logits").values();
        float[] want = OrtRunner.run(dir, "model.onnx", shortIds).get("logits").values();
        int vocab = spec.vocab();
        for (int i = 0; i < shortT * vocab; i++) {
            float got = batched[(t + pad) * vocab + i]; // row 1, from its first real token
            assertEquals(want[i], got, 1e-4 + 1e-4 * Math.abs(want[i]), "index " + i);
        }
    }
}
