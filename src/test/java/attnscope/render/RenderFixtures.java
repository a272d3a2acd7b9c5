package attnscope.render;

import attnscope.attention.ReferenceAttention;
import attnscope.capture.ActivationCache;
import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import attnscope.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Named inspection results for render tests, built from the reference attention on seeded
 * Q/K/V. Heads are given recognisable shapes so figures can be judged by eye: with
 * k = (head + layer) % 3, k = 0 looks at the previous token, k = 1 at the first token (an
 * attention sink), k = 2 is random and diffuse.
 */
public final class RenderFixtures {
    /** The lesson sentence, as Qwen2's byte-level BPE spells it. */
    public static final List<String> ANIMAL_TOKENS = List.of("The", "Ġanimal", "Ġdidn", "'t", "Ġcross", "Ġthe", "Ġstreet",
            "Ġbecause", "Ġit", "Ġwas", "Ġtoo", "Ġtired", ".");

    private RenderFixtures() {
    }

    /** A small Qwen-shaped config: H heads sharing Hkv key/value heads, head dim d. */
    public static ModelConfig config(int layers, int heads, int kvHeads, boolean synthetic) {
        return new ModelConfig("qwen2", heads * 64, layers, heads, kvHeads, 64, 4 * heads * 64, 1000, 1e6, 1e-6, 4096,
                true, synthetic);
    }

    /** Qwen2.5-0.5B's attention geometry (24 layers, 14 heads, 2 KV heads), marked synthetic. */
    public static ModelConfig qwenShapedSynthetic() {
        ModelConfig q = ModelConfig.qwen25_05b();
        return new ModelConfig(q.modelType(), q.hidden(), q.layers(), q.heads(), q.kvHeads(), q.headDim(),
                q.intermediate(), q.vocab(), q.ropeTheta(), q.normEps(), q.maxPositions(), q.tiedEmbeddings(), true);
    }

    /** T tokens "tok0", "Ġtok1", ... */
    public static List<String> tokens(int t) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            out.add(i == 0 ? "tok0" : "Ġw" + i);
        }
        return out;
    }

    /** An inspection of every layer of {@code config} over {@code tokens}, patterns from the reference. */
    public static InspectionResult inspection(ModelConfig config, List<String> tokens, boolean causal, long seed) {
        int t = tokens.size();
        int d = config.headDim();
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        Random rnd = new Random(seed);
        ActivationCache model = new ActivationCache();
        ActivationCache reference = new ActivationCache();
        for (int layer = 0; layer < config.layers(); layer++) {
            float[] k = new float[kvHeads * t * d];
            float[] v = new float[kvHeads * t * d];
            for (int g = 0; g < kvHeads; g++) {
                for (int j = 0; j < t; j++) {
                    int o = (g * t + j) * d;
                    for (int x = 0; x < d; x++) {
                        k[o + x] = (float) (0.3 * rnd.nextGaussian());
                        v[o + x] = (float) rnd.nextGaussian();
                    }
                    k[o] = j == 0 ? 1 : 0;                  // dim 0 marks the first token
                    k[o + 1] = (float) Math.cos(j * 0.5);   // dims 1, 2 encode the position
                    k[o + 2] = (float) Math.sin(j * 0.5);
                }
            }
            float[] q = new float[heads * t * d];
            for (int h = 0; h < heads; h++) {
                int kind = (h + layer) % 3;
                double strength = 30 + 10 * rnd.nextDouble();
                for (int i = 0; i < t; i++) {
                    int o = (h * t + i) * d;
                    for (int x = 0; x < d; x++) {
                        q[o + x] = (float) (0.5 * rnd.nextGaussian());
                    }
                    if (kind == 0) {          // q_i·k_j ∝ cos((i − 1 − j)/2): peaks at the previous token
                        q[o + 1] = (float) (strength * Math.cos((i - 1) * 0.5));
                        q[o + 2] = (float) (strength * Math.sin((i - 1) * 0.5));
                    } else if (kind == 1) {   // every query matches the first token's marker
                        q[o] = (float) (strength * 1.2);
                    }
                }
            }
            Tensor qt = new Tensor(new int[] {heads, t, d}, q);
            Tensor kt = new Tensor(new int[] {kvHeads, t, d}, k);
            Tensor vt = new Tensor(new int[] {kvHeads, t, d}, v);
            ReferenceAttention.Result r = ReferenceAttention.compute(qt, kt, vt, causal, null);
            model.put(layer, Site.Q, qt);
            model.put(layer, Site.K, kt);
            model.put(layer, Site.V, vt);
            model.put(layer, Site.PATTERN, r.pattern());
            model.put(layer, Site.Z, r.z());
            reference.put(layer, Site.PATTERN, r.pattern());
            reference.put(layer, Site.Z, r.z());
        }
        int[] ids = IntStream.range(0, t).toArray();
        List<Integer> layers = IntStream.range(0, config.layers()).boxed().toList();
        return new InspectionResult(config, "decomposed", causal, tokens, ids, layers, model, reference, List.of());
    }
}
