package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec.Quantize;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantized weights decode to the float weights within half a quantization step, and the q4
 * (MatMulNBits) and int8 (DynamicQuantizeLinear + MatMulInteger) graphs compute nearly, but not
 * exactly, the float graph's logits: ONNX Runtime reads the codes the way they were written.
 */
class QuantizedWeightsTest {
    @TempDir
    Path tmp;

    private static QuantizedWeights weights(int in, int out) {
        return new QuantizedWeights(in, out, () -> RandomValues.withStd(5, "w", 1.0));
    }

    private static float[] floats(int in, int out) {
        float[] w = new float[in * out];
        RandomValues.withStd(5, "w", 1.0).next(w, w.length);
        return w;
    }

    @Test
    void q4CodesDecodeWithinHalfAStep() {
        int in = 80; // not a multiple of 32: the last block is padded
        int out = 6;
        QuantizedWeights q = weights(in, out);
        float[] scales = q.q4Scales();
        byte[] codes = q.q4Codes(scales);
        float[] w = floats(in, out);
        assertEquals(out * 3 * 16, codes.length);
        for (int n = 0; n < out; n++) {
            for (int k = 0; k < in; k++) {
                int b = k / 32;
                int j = k % 32;
                int packed = codes[(n * 3 + b) * 16 + j / 2] & 0xff;
                int code = j % 2 == 0 ? packed & 0xf : packed >>> 4;
                float scale = scales[n * 3 + b];
                assertEquals(w[k * out + n], (code - 8) * scale, scale / 2 + 1e-6, "n " + n + " k " + k);
            }
        }
    }

    @Test
    void int8CodesDecodeWithinHalfAStep() {
        QuantizedWeights q = weights(40, 7);
        float scale = q.int8Scale();
        byte[] codes = q.int8Codes(scale);
        float[] w = floats(40, 7);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], codes[i] * scale, scale / 2 + 1e-6, "index " + i);
        }
    }

    /**
     * One MatMulNBits node, written by {@link Qwen2Graph}'s way of storing q4 weights, computes x·W with
     * the decoded weights: ONNX Runtime reads codes and scales as they were meant (nibble order, zero point 8).
     */
    @Test
    void matMulNBitsComputesWithTheDecodedWeights() throws Exception {
        int in = 64;
        int out = 5;
        QuantizedWeights q = weights(in, out);
        float[] scales = q.q4Scales();
        byte[] codes = q.q4Codes(scales);
        WeightFile file = new WeightFile("w.data");
        GraphBuilder g = new GraphBuilder(file);
        g.input("x", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, 1, 2, in);
        String b = g.weightBytes("codes", new long[] {out, 2, 16}, ai.onnx.proto.OnnxMl.TensorProto.DataType.UINT8, () -> codes);
        String s = g.weight("scales", new long[] {out * 2}, () -> QuantizedWeights.of(scales));
        g.node("/q", "MatMulNBits", "x", b, s).domain(GraphBuilder.MS_DOMAIN).attr("K", (long) in).attr("N", (long) out)
                .attr("bits", 4L).attr("block_size", 32L).outputs("y");
        g.output("y", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT, 1, 2, out);
        file.write(tmp.resolve("w.data"), ProgressListener.NONE);
        ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain(GraphBuilder.MS_DOMAIN).setVersion(1))
                .setGraph(g.build()).build();
        java.nio.file.Files.write(tmp.resolve("m.onnx"), model.toByteArray());
        float[] x = new float[2 * in];
        RandomValues.withStd(9, "x", 1.0).next(x, x.length);
        var env = attnscope.onnx.Sessions.environment(); // the tool's environment: another logging level makes ORT warn
        float[] y;
        try (var session = env.createSession(tmp.resolve("m.onnx").toString());
                var input = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x), new long[] {1, 2, in});
                var result = session.run(java.util.Map.of("x", input))) {
            y = ((ai.onnxruntime.OnnxTensor) result.get(0)).getFloatBuffer().array();
        }
        for (int t = 0; t < 2; t++) {
            for (int n = 0; n < out; n++) {
                double want = 0;
                for (int k = 0; k < in; k++) {
                    int packed = codes[(n * 2 + k / 32) * 16 + (k % 32) / 2] & 0xff;
                    int code = k % 2 == 0 ? packed & 0xf : packed >>> 4;
                    want += x[t * in + k] * (code - 8) * scales[n * 2 + k / 32];
                }
                assertEquals(want, y[t * out + n], 1e-4 * (1 + Math.abs(want)), "t " + t + " n " + n);
            }
        }
    }

    @Test
    void quantizedGraphsComputeNearlyTheFloatLogits() throws Exception {
        SynthSpec.Builder b = SynthSpec.tiny().headDim(32).seed(3);
        float[] exact = logits(b.build(), "float");
        for (Quantize kind : new Quantize[] {Quantize.Q4, Quantize.INT8}) {
            float[] got = logits(b.quantize(kind).build(), kind.cliName());
            double worst = 0;
            double size = 0;
            for (int i = 0; i < exact.length; i++) {
                worst = Math.max(worst, Math.abs(got[i] - exact[i]));
                size = Math.max(size, Math.abs(exact[i]));
            }
            assertTrue(worst > 0, kind + ": the weights are really quantized");
            // 4 bits on the sharp synthetic attention (scores with std ≈ 5) move logits by up to ~1/3 of
            // their size (measured 0.32); the exact decoding is checked op by op above.
            assertTrue(worst < 0.5 * size, kind + ": largest logit difference " + worst + " against logits up to " + size);
        }
    }

    private float[] logits(SynthSpec spec, String name) throws Exception {
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve(name), null, null);
        return OrtRunner.run(dir, "model.onnx", SyntheticModelRunsTest.IDS).get("logits").values();
    }
}
