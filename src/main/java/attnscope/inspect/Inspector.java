package attnscope.inspect;

import attnscope.attention.ReferenceAttention;
import attnscope.attention.Rotary;
import attnscope.capture.ActivationCache;
import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.check.Checks;
import attnscope.check.Comparison;
import attnscope.check.Precision;
import attnscope.check.Tolerance;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.model.TextTokenizer;
import attnscope.model.TextTokenizer.Tokens;
import attnscope.onnx.AttentionSite;
import attnscope.onnx.Device;
import attnscope.onnx.Sessions;
import attnscope.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The inspection pipeline: a hooked forward pass, the reference recomputation of every head from
 * the captured Q, K and V, and the checks that compare the two. Each phase is a public method so
 * figures, lesson and bench can call (and time) them one by one; {@link #inspect} runs them all.
 */
public final class Inspector {
    /** Rows of float32 attention weights sum to 1 within this. */
    static final double ROW_SUM_LIMIT = 1e-5;
    /** The graph's score scale equals 1/√d within float32 rounding (√s·√s for a split scale). */
    static final double SCALE_LIMIT = 1e-5;

    private Inspector() {
    }

    /**
     * One call for a text: tokenize with the model's tokenizer, refuse what the memory guard
     * refuses, open the model, inspect, close. For repeated or timed runs use the phases.
     *
     * @param layers the layers to capture, or null for all
     */
    public static InspectionResult inspect(Path modelDir, String text, Device device, int[] layers, long memoryLimitBytes) {
        ModelFolder folder = ModelFolder.locate(modelDir);
        ModelConfig config = folder.readConfig();
        Tokens tokens;
        try (TextTokenizer tokenizer = TextTokenizer.open(folder.requireTokenizer())) {
            tokens = tokenizer.encode(text);
        }
        HookedModel.Prepared prepared = prepare(modelDir, config, layers, memoryLimitBytes, device, line -> { }, List.of(tokens));
        try (HookedModel model = prepared.open(device)) {
            return inspect(model, tokens);
        }
    }

    /**
     * Everything that can be checked before a session opens, cheapest first, so that bad input
     * costs little and writes nothing: each input within the model's context, the largest within
     * the memory guard, the device available, the graph readable with an attention site per
     * layer, and every token id inside the embedding.
     *
     * @param config the model folder's config.json, read by the caller
     * @param layers the layers to capture, or null for all
     * @param inputs the token sequences the run will feed the model
     */
    public static HookedModel.Prepared prepare(Path modelDir, ModelConfig config, int[] layers, long memoryLimitBytes,
            Device device, Consumer<String> progress, List<Tokens> inputs) {
        int longest = 0;
        for (Tokens tokens : inputs) {
            config.requireContext(tokens.length());
            longest = Math.max(longest, tokens.length());
        }
        MemoryGuard.require(config, layers == null ? config.layers() : layers.length, longest, memoryLimitBytes);
        Sessions.requireAvailable(device);
        HookedModel.Prepared prepared = HookedModel.prepare(modelDir, layers, progress);
        for (Tokens tokens : inputs) {
            prepared.requireInEmbedding(tokens);
        }
        return prepared;
    }

    /** Everything: capture, untouched forward, reference, checks. */
    public static InspectionResult inspect(HookedModel model, Tokens tokens) {
        HookedModel.Capture capture = model.capture(tokens.ids());
        Tensor plainOutput = model.plainForward(tokens.ids());
        return verify(model, tokens, capture, plainOutput);
    }

    /** The reference and the checks, given a capture and the untouched graph's output. */
    public static InspectionResult verify(HookedModel model, Tokens tokens, HookedModel.Capture capture, Tensor plainOutput) {
        ModelConfig config = model.config();
        // Layers are independent: recompute and check them in parallel, then list them in layer order.
        RotaryAngles angles = new RotaryAngles(config.ropeTheta());
        Precision precision = precisionOf(model);
        List<CheckedLayer> checked = model.sites().parallelStream()
                .map(site -> checkLayer(config, site, capture, model.causal(), angles, precision))
                .toList();
        ActivationCache reference = new ActivationCache();
        List<CheckResult> checks = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            CheckedLayer c = checked.get(i);
            if (c.reference() != null) {
                reference.put(model.sites().get(i).layer(), Site.PATTERN, c.reference().pattern());
                reference.put(model.sites().get(i).layer(), Site.Z, c.reference().z());
            }
            checks.addAll(c.checks());
        }
        capture.copies().forEach((layer, o) -> checks.add(Checks.sameOpOutput(layer, o.model(), o.copy(), precision.output(maxAbs(o.model())))));
        checks.add(Checks.sameOutput(model.causal() ? "logits" : "output", capture.output(), plainOutput,
                precision.hookedOutput(Tolerance.LOGITS, maxAbs(plainOutput))));
        List<Integer> layers = model.sites().stream().map(AttentionSite::layer).toList();
        return new InspectionResult(config, model.attentionStyle(), model.causal(), tokens.tokens(), tokens.ids(),
                layers, capture.cache(), reference, checks, model.patternSources());
    }

    /** The coarsest precision among the attention tensors the model computes in (fp16 models: fp16). */
    static Precision precisionOf(HookedModel model) {
        Precision p = Precision.FP32;
        for (int type : model.attentionElementTypes()) {
            p = p.coarser(Precision.ofOnnxType(type));
        }
        return p;
    }

    /** The largest |x| of a tensor, for tolerances that scale with the values' size. */
    static double maxAbs(Tensor x) {
        double m = 0;
        for (float f : x.data()) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    /**
     * One layer's checks, in order, and its reference pattern (H, T, T) and z (H, T, d), or a null
     * reference when the captured Q, K and V do not fit together.
     */
    record CheckedLayer(List<CheckResult> checks, ReferenceAttention.Result reference) {
    }

    /** The reference side: pattern (H, T, T) and z (H, T, d) of every captured layer, from the model's Q, K, V. */
    public static ActivationCache reference(ActivationCache model, List<AttentionSite> sites, boolean causal) {
        // Layers are independent: recompute them in parallel, then fill the cache in layer order.
        List<ReferenceAttention.Result> results = sites.parallelStream().map(site -> {
            int layer = site.layer();
            Tensor q = model.get(layer, Site.Q);
            Tensor k = model.get(layer, Site.K);
            Tensor v = model.get(layer, Site.V);
            // Inconsistent shapes are reported by the shape checks; there is nothing sound to recompute.
            return consistent(q, k, v) ? ReferenceAttention.compute(q, k, v, causal, null) : null;
        }).toList();
        ActivationCache reference = new ActivationCache();
        for (int i = 0; i < sites.size(); i++) {
            ReferenceAttention.Result r = results.get(i);
            if (r != null) {
                reference.put(sites.get(i).layer(), Site.PATTERN, r.pattern());
                reference.put(sites.get(i).layer(), Site.Z, r.z());
            }
        }
        return reference;
    }

    private static boolean consistent(Tensor q, Tensor k, Tensor v) {
        return k.dim(0) > 0 && q.dim(0) % k.dim(0) == 0 && q.dim(1) == k.dim(1) && q.dim(2) == k.dim(2)
                && java.util.Arrays.equals(k.shape(), v.shape());
    }

    /**
     * Every check of one layer: shapes, then per head causal, row sums, reference agreement,
     * negative control. The reference is computed here, so that the negative control can use the
     * scores it computes anyway.
     */
    static CheckedLayer checkLayer(ModelConfig c, AttentionSite site, HookedModel.Capture capture, boolean causal, RotaryAngles angles,
            Precision precision) {
        int layer = site.layer();
        ActivationCache model = capture.cache();
        Tensor q = model.get(layer, Site.Q);
        Tensor k = model.get(layer, Site.K);
        Tensor v = model.get(layer, Site.V);
        int t = q.dim(1);
        List<CheckResult> out = new ArrayList<>();
        out.add(Checks.shape(layer, "q", new int[] {c.heads(), t, c.headDim()}, q.shape()));
        out.add(Checks.shape(layer, "k", new int[] {c.kvHeads(), t, c.headDim()}, k.shape()));
        out.add(Checks.shape(layer, "v", new int[] {c.kvHeads(), t, c.headDim()}, v.shape()));
        boolean hasPattern = model.has(layer, Site.PATTERN);
        Tensor pattern = hasPattern ? model.get(layer, Site.PATTERN) : null;
        if (hasPattern) {
            out.add(Checks.shape(layer, "pattern", new int[] {c.heads(), t, t}, pattern.shape()));
        }
        Tensor z = model.get(layer, Site.Z);
        out.add(Checks.shape(layer, "z", new int[] {c.heads(), t, c.headDim()}, z.shape()));
        if (Double.isFinite(site.graphScale())) {
            out.add(Checks.scale(layer, site.graphScale(), q.dim(2), precision.scaleLimit(SCALE_LIMIT)));
        }
        Tensor qBefore = capture.qBeforeRotary().get(layer);
        if (qBefore != null) {
            out.addAll(rotaryCheck("rotary.q", "query head", c, layer, qBefore, q, angles,
                    precision.rotary(Tolerance.OUTPUT_FP32, maxAbs(qBefore))));
        }
        Tensor kBefore = capture.kBeforeRotary().get(layer);
        if (kBefore != null) {
            out.addAll(rotaryCheck("rotary.k", "key/value head", c, layer, kBefore, k, angles,
                    precision.rotary(Tolerance.OUTPUT_FP32, maxAbs(kBefore))));
        }
        // Inconsistent shapes are reported by the shape checks; there is nothing sound to recompute.
        if (!consistent(q, k, v)) {
            out.add(new CheckResult(layer, -1, "reference", false, Double.NaN, 0,
                    "layer " + layer + ": the captured Q " + attnscope.tensor.Shapes.format(q.shape()) + ", K and V do not fit together, so "
                            + "attention cannot be recomputed"));
            return new CheckedLayer(out, null);
        }
        // The negative control: the same recomputation without the mask. Where the model has a
        // pattern, the reference hands over each row's unmasked weights as it goes, to be compared
        // with the model's row there and then (nothing of size H·T² is kept); without a pattern, z
        // is recomputed unmasked.
        boolean negativeControl = causal && t > 1;
        boolean patternComparable = hasPattern && pattern.rank() == 3 && pattern.dim(0) == q.dim(0)
                && pattern.dim(1) == t && pattern.dim(2) == t;
        Tolerance patternTolerance = precision.pattern();
        Tolerance outputTolerance = precision.output(maxAbs(v));
        UnmaskedControl rows = negativeControl && patternComparable ? new UnmaskedControl(pattern, patternTolerance) : null;
        ReferenceAttention.Result ref = ReferenceAttention.compute(q, k, v, causal, null, rows);
        // A pattern of an unexpected shape (the shape check has failed) is compared as the checks did
        // before, against a whole unmasked recomputation.
        ReferenceAttention.Result unmaskedWhole = negativeControl && rows == null ? ReferenceAttention.compute(q, k, v, false, null) : null;

        Tensor refPattern = ref.pattern();
        Tensor refZ = ref.z();
        boolean zComparable = java.util.Arrays.equals(z.shape(), refZ.shape());
        for (int h = 0; h < q.dim(0); h++) {
            if (hasPattern) {
                out.add(Checks.causal(layer, h, pattern, causal));
                out.add(Checks.rowSums(layer, h, pattern, precision.rowSumLimit(ROW_SUM_LIMIT, t)));
                out.add(Checks.agreement("pattern.ref", layer, h, pattern, refPattern, patternTolerance));
            }
            if (zComparable) {
                out.add(Checks.agreement("z.ref", layer, h, z, refZ, outputTolerance));
            }
            // Only where the mask visibly changes this head can the control show anything: on a short
            // input, or for a head that puts (almost) no weight on later keys anyway, masked and
            // unmasked agree and no comparison can tell a masked model from an unmasked one.
            if (negativeControl && hasPattern) {
                boolean visible = rows != null ? rows.maskVisible(h)
                        : Checks.maskIsVisible(h, refPattern, unmaskedWhole.pattern(), patternTolerance);
                if (visible) {
                    out.add(rows != null ? rows.check(layer, h)
                            : Checks.negativeControl(layer, h, "the pattern", pattern, unmaskedWhole.pattern(), patternTolerance));
                }
            } else if (negativeControl && Checks.maskIsVisible(h, refZ, unmaskedWhole.z(), outputTolerance)) {
                out.add(Checks.negativeControl(layer, h, "z", z, unmaskedWhole.z(), outputTolerance));
            }
        }
        if (!zComparable) {
            out.add(new CheckResult(layer, -1, "z.ref", false, Double.NaN, 0, "layer " + layer + ": the model's z "
                    + attnscope.tensor.Shapes.format(z.shape()) + " cannot be compared with the reference's "
                    + attnscope.tensor.Shapes.format(refZ.shape())));
        }
        return new CheckedLayer(out, ref);
    }

    /**
     * The negative control of one layer with a captured pattern, fed row by row by the reference
     * (heads ascending, rows ascending): per head, the model's pattern rows against the unmasked
     * recomputation's, and whether the mask visibly changes the head at all (the reference's
     * masked row against its unmasked one). A head is settled at the first row that shows both —
     * row 0 as a rule, where the mask leaves all weight on the first key. Its later rows are not
     * wanted: the verdict cannot change any more, so the reference computes them with the mask
     * alone. The check's value is then the largest |a − b| of the rows compared, a lower bound of
     * the whole head's; a head never settled (an unmasked model) is compared row by row to the end.
     */
    static final class UnmaskedControl implements ReferenceAttention.UnmaskedRows {
        private final float[] modelPattern;
        private final int t;
        /** Per head: the model's rows against the unmasked weights, the rows compared, the mask seen to change a row. */
        private final Comparison.Running[] modelVsUnmasked;
        private final int[] rowsCompared;
        private final boolean[] maskVisible;
        private final Tolerance tolerance;

        /** @param pattern the model's pattern (H, T, T) */
        UnmaskedControl(Tensor pattern) {
            this(pattern, Tolerance.PATTERN_FP32);
        }

        /** @param pattern the model's pattern (H, T, T); @param tolerance the pattern's, for the model's precision */
        UnmaskedControl(Tensor pattern, Tolerance tolerance) {
            this.tolerance = tolerance;
            int heads = pattern.dim(0);
            this.modelPattern = pattern.data();
            this.t = pattern.dim(1);
            this.modelVsUnmasked = new Comparison.Running[heads];
            for (int h = 0; h < heads; h++) {
                modelVsUnmasked[h] = new Comparison.Running(tolerance);
            }
            this.rowsCompared = new int[heads];
            this.maskVisible = new boolean[heads];
        }

        @Override
        public boolean wantsMore(int head) {
            return !(maskVisible[head] && !modelVsUnmasked[head].passed());
        }

        @Override
        public void row(int head, int query, float[] weights, float[] masked, int maskedOffset) {
            modelVsUnmasked[head].add(modelPattern, (head * t + query) * t, weights, 0, t);
            rowsCompared[head]++;
            if (!maskVisible[head]) {
                maskVisible[head] = Comparison.anyOutside(masked, maskedOffset, weights, 0, t, tolerance);
            }
        }

        /** Whether the mask changes head h visibly (only then can the control show anything). */
        boolean maskVisible(int head) {
            return maskVisible[head];
        }

        CheckResult check(int layer, int head) {
            return Checks.negativeControl(layer, head, "the pattern", modelVsUnmasked[head].result(), rowsCompared[head], t);
        }
    }

    /**
     * "rotary.q" / "rotary.k": the tool's own rotary embedding, with config.json's rope_theta and
     * positions 0..T−1, applied to the graph's tensor before rotary must give the graph's rotated
     * tensor. This is how a wrong rope_theta in config.json shows, for decomposed graphs (which rotate
     * Q and K themselves) and fused ones (whose present.N.key is rotated inside the op) alike.
     */
    static List<CheckResult> rotaryCheck(String check, String headKind, ModelConfig c, int layer, Tensor before, Tensor after,
            RotaryAngles angles, Tolerance tolerance) {
        List<CheckResult> out = new ArrayList<>();
        if (!java.util.Arrays.equals(before.shape(), after.shape())) {
            out.add(new CheckResult(layer, -1, check, false, Double.NaN, 0, "layer " + layer + ": the tensors before "
                    + attnscope.tensor.Shapes.format(before.shape()) + " and after rotary " + attnscope.tensor.Shapes.format(after.shape())
                    + " differ in shape"));
            return out;
        }
        if (!(c.ropeTheta() > 1)) {
            out.add(new CheckResult(layer, -1, check, false, c.ropeTheta(), 0, "layer " + layer
                    + ": the graph applies a rotary embedding but config.json gives no usable rope_theta (" + c.ropeTheta() + ")"));
            return out;
        }
        Rotary.Angles a = angles.of(before.dim(2), before.dim(1));
        Tensor ours = new Tensor(before.shape(), a.rotateInPlace(before.data().clone()));
        // The allowance grows with the angle, as the float32 rounding of a model's angle does.
        double[] angleBound = a.angleErrorBound();
        for (int g = 0; g < before.dim(0); g++) {
            CheckResult r = Checks.rotary(check, layer, g, after, ours, before, angleBound, tolerance);
            int head = g;
            out.add(new CheckResult(r.layer(), r.head(), r.check(), r.passed(), r.value(), r.limit(),
                    () -> headKind + " " + head + ", rotary with rope_theta " + c.ropeTheta() + " from config.json: " + r.detail()));
        }
        return out;
    }

    /**
     * The rotary angles of positions 0..T−1 (cos and sin, see {@link Rotary.Angles}), made once per
     * head dimension and T and shared by every layer's rotary checks: computing them per layer cost
     * more than the rotations.
     */
    static final class RotaryAngles {
        private final double theta;
        private final Map<Long, Rotary.Angles> made = new ConcurrentHashMap<>();

        RotaryAngles(double theta) {
            this.theta = theta;
        }

        Rotary.Angles of(int headDim, int t) {
            return made.computeIfAbsent(((long) headDim << 32) | t, key -> new Rotary(headDim, theta).angles(Rotary.positions(t)));
        }
    }
}
