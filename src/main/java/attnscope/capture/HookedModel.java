package attnscope.capture;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import attnscope.InputException;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.onnx.AttentionSite;
import attnscope.onnx.AttentionSite.Tap;
import attnscope.onnx.AttentionSites;
import attnscope.onnx.Device;
import attnscope.onnx.HookEdits;
import attnscope.onnx.NativePatterns;
import attnscope.onnx.OnnxGraph;
import attnscope.onnx.Sessions;
import attnscope.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A model opened twice: as its untouched graph and as a hooked graph whose attention tensors (Q, K,
 * V, pattern, per-head output of the chosen layers) are extra graph outputs. One forward pass of the
 * hooked graph fills an {@link ActivationCache} with the tensors as the model computed them, in the
 * per-head form (heads, T, d).
 *
 * <p>The phases are separate so they can be timed: {@link #open} (find the sites, create the hooked
 * session), {@link #plainForward} (the untouched graph; its session opens on first use or with
 * {@link #openPlain}), {@link #capture} (the hooked forward). Sessions are kept for reuse.
 */
public final class HookedModel implements AutoCloseable {
    /**
     * One hooked forward pass.
     *
     * @param cache       Q (H, T, d) after rotary, K and V (Hkv, T, d), PATTERN (H, T, T) where the graph has it, Z (H, T, d), per captured layer
     * @param output      the graph's first output (logits for a language model, hidden states for an encoder)
     * @param qBeforeRotary queries before rotary by layer, where the graph rotates them in ordinary ops
     * @param kBeforeRotary keys before rotary by layer, where they can be read
     */
    public record Capture(ActivationCache cache, Tensor output, Map<Integer, Tensor> qBeforeRotary, Map<Integer, Tensor> kBeforeRotary,
            Map<Integer, OpOutputs> copies) {
        public Capture(ActivationCache cache, Tensor output, Map<Integer, Tensor> qBeforeRotary, Map<Integer, Tensor> kBeforeRotary) {
            this(cache, output, qBeforeRotary, kBeforeRotary, Map.of());
        }
    }

    /**
     * A layer whose pattern came from a copy of its fused op (see {@link NativePatterns.Copy}): the
     * op's output 0, which the model goes on with, and the copy's, as the graph lays them out.
     */
    public record OpOutputs(Tensor model, Tensor copy) {
    }

    /**
     * Set to {@code always} (a system property), fused ops that can return their weights are rewritten
     * as ordinary ops all the same, as when ONNX Runtime refuses their weights output: to compare the
     * two ways, and to test the rewrite on the ONNX Runtime at hand.
     */
    public static final String UNFUSE_PROPERTY = "attnscope.unfuse";

    private final ModelFolder folder;
    private final ModelConfig config;
    private final OnnxGraph graph;
    /** The graph the hooks went into: {@code graph}, or its copy with fused ops rewritten. */
    private final OnnxGraph hookable;
    private final List<AttentionSite> sites;
    private final boolean causal;
    private final Device device;
    private final Sessions.Opened hooked;
    private final String firstOutput;
    private final List<ValueInfoProto> inputs;
    private final Weights weights;
    /** The graph file the sessions read: the model's own, or its converted copy with external weights. */
    private final Path graphFile;
    private Sessions.Opened plain;
    /** Per captured layer: where its pattern comes from. */
    private final Map<Integer, PatternSource> patternSources;
    /** Per captured layer whose pattern comes from a copy of its fused op: the two outputs compared. */
    private final Map<Integer, NativePatterns.Copy> copies;
    /** Element types of outputs the hooked graph added (a fused op's weights), which the original graph does not tell. */
    private final Map<String, Integer> hookTypes;
    /** Weights mapped once and given to both sessions (empty: each session reads the file). */
    private final Map<String, ai.onnxruntime.OnnxTensorLike> shared;

    private HookedModel(ModelFolder folder, Path graphFile, ModelConfig config, OnnxGraph graph, OnnxGraph hookable, Weights weights,
            List<AttentionSite> sites,
            boolean causal, Device device, Sessions.Opened hooked, Map<String, ai.onnxruntime.OnnxTensorLike> shared,
            Map<Integer, PatternSource> patternSources, Map<String, Integer> hookTypes, Map<Integer, NativePatterns.Copy> copies) {
        this.hookTypes = Map.copyOf(hookTypes);
        this.copies = Map.copyOf(copies);
        this.hookable = hookable;
        this.shared = shared;
        this.patternSources = Map.copyOf(patternSources);
        this.folder = folder;
        this.graphFile = graphFile;
        this.weights = weights;
        this.config = config;
        this.graph = graph;
        this.sites = sites;
        this.causal = causal;
        this.device = device;
        this.hooked = hooked;
        this.firstOutput = graph.outputNames().get(0);
        this.inputs = graph.realInputs();
    }

    /**
     * Opens a model folder: reads config.json and the graph, finds every layer's attention site,
     * and creates the hooked session for the chosen layers.
     *
     * @param layers the layers to capture, or null for all
     */
    public static HookedModel open(Path modelDir, Device device, int[] layers) {
        return open(modelDir, device, layers, line -> { });
    }

    /**
     * As {@link #open(Path, Device, int[])}; {@code progress} hears about long steps (the one-time
     * conversion of a large single-file model to graph + external weights).
     */
    public static HookedModel open(Path modelDir, Device device, int[] layers, Consumer<String> progress) {
        return prepare(modelDir, layers, progress).open(device);
    }

    /**
     * Reads config.json and the graph and finds every layer's attention site, without creating a
     * session: what is wrong with a model folder (not ONNX, truncated, not a language model, no
     * attention, too few layers) is found here, quickly, before the slow part starts.
     *
     * @param layers the layers to capture, or null for all
     */
    public static Prepared prepare(Path modelDir, int[] layers, Consumer<String> progress) {
        ModelFolder folder = ModelFolder.locate(modelDir);
        ModelConfig config = folder.readConfig();
        Path graphFile = folder.onnx();
        try {
            // Decided from the file size before parsing: a 2 GB single-file model is never read whole.
            if (attnscope.onnx.ExternalWeights.worthConverting(graphFile)) {
                graphFile = attnscope.onnx.ExternalWeights.converted(graphFile, progress);
            }
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + graphFile + ": " + e.getMessage());
        }
        OnnxGraph graph = OnnxGraph.load(graphFile);
        requireTokenInputs(graph, folder.onnx());
        graph.requireExternalWeights(graphFile.toAbsolutePath().getParent());
        // Fused ops that can neither return their weights nor expose Q, K and V are rewritten as ordinary
        // ops in the graph that gets hooked; the untouched graph keeps them (the logits check compares).
        OnnxGraph hookable = attnscope.onnx.Unfusing.unfuse(graph);
        List<AttentionSite> all = AttentionSites.find(hookable, config.layers());
        List<AttentionSite> chosen = new ArrayList<>();
        for (int layer : layers == null ? allLayers(config.layers()) : layers) {
            if (layer < 0 || layer >= all.size()) {
                throw new InputException("layer " + layer + " does not exist: the model has " + all.size()
                        + " layers (0.." + (all.size() - 1) + ")");
            }
            chosen.add(all.get(layer));
        }
        return new Prepared(folder, config, graphFile, graph, hookable, all, chosen);
    }

    /** A model folder read and its attention found; {@link #open} creates the sessions. */
    public static final class Prepared {
        private final ModelFolder folder;
        private final ModelConfig config;
        private final Path graphFile;
        private final OnnxGraph graph;
        /** The graph the hooks go into: {@code graph}, or its copy with fused ops rewritten (see Unfusing). */
        private final OnnxGraph hookable;
        private final List<AttentionSite> all;
        private final List<AttentionSite> chosen;

        private Prepared(ModelFolder folder, ModelConfig config, Path graphFile, OnnxGraph graph, OnnxGraph hookable,
                List<AttentionSite> all, List<AttentionSite> chosen) {
            this.hookable = hookable;
            this.folder = folder;
            this.config = config;
            this.graphFile = graphFile;
            this.graph = graph;
            this.all = all;
            this.chosen = chosen;
        }

        public ModelConfig config() {
            return config;
        }

        /** The graph file the sessions will read. */
        public Path graphFile() {
            return graphFile;
        }

        /**
         * Rows of the token embedding the graph looks ids up in, when it is a plain weight: the real
         * vocabulary, which config.json's vocab_size only claims.
         */
        public OptionalLong embeddingRows() {
            return graph.realInputs().stream().map(ValueInfoProto::getName).filter(HookedModel::isTokenIdsInput).findFirst()
                    .map(graph::embeddingRows).orElse(OptionalLong.empty());
        }

        /**
         * Token ids must index the embedding the graph really has. config.json's vocab_size is checked
         * when the text is tokenized; a config.json copied from another model can claim more rows than
         * the graph holds, and ONNX Runtime would then fail half-way with a message about Gather indices.
         */
        public void requireInEmbedding(attnscope.model.TextTokenizer.Tokens tokens) {
            OptionalLong rows = embeddingRows();
            if (rows.isEmpty()) {
                return;
            }
            for (int id : tokens.ids()) {
                if (id >= rows.getAsLong()) {
                    throw new InputException("token id " + id + " is beyond the model's embedding, which has " + rows.getAsLong()
                            + " rows in " + graphFile.getFileName() + " (config.json says vocab_size " + config.vocab()
                            + "): the tokenizer or config.json does not belong to this model");
                }
            }
        }

        /**
         * Creates the hooked session (and maps the weights both sessions share) on {@code device}.
         * Fused ops that can return their attention weights are asked to, through a copy beside the op
         * the model runs; if ONNX Runtime refuses that, the copy is the op rewritten as ordinary ops
         * (an op that cannot be rewritten faithfully is refused, exit 4), and the layer's
         * {@link PatternSource} says which and why.
         */
        public HookedModel open(Device device) {
            return open(device, java.util.function.UnaryOperator.identity());
        }

        /**
         * As {@link #open(Device)}, with {@code planted} applied to the plan of graph edits before the
         * hooked session is made from it: for tests that plant a fault in the hooked graph (an edit
         * that changes the model, a wrong rewrite) and show that the checks catch it.
         */
        public HookedModel open(Device device, java.util.function.UnaryOperator<NativePatterns.Plan> planted) {
            List<AttentionSite> sites = chosen;
            Weights weights = Weights.locate(graphFile, graph);
            // Both sessions (hooked, untouched) read one memory-mapped copy of the weights.
            Map<String, ai.onnxruntime.OnnxTensorLike> shared = attnscope.onnx.MappedWeights.of(graph, graphFile.toAbsolutePath().getParent());
            Sessions.Opened session = null;
            boolean unfuseAlways = "always".equals(System.getProperty(UNFUSE_PROPERTY));
            NativePatterns.Plan plan = planted.apply(NativePatterns.plan(hookable, sites));
            String refused = null;
            NativePatterns.Plan used = new NativePatterns.Plan(sites, HookEdits.NONE, Map.of());
            if (!plan.isEmpty() && !unfuseAlways) {
                try {
                    session = Sessions.fromBytes(hookedGraph(hookable, plan, weights), weights.folder, device, shared);
                    used = plan;
                } catch (InputException e) {
                    refused = firstLine(e.getMessage());
                }
            }
            NativePatterns.Plan unfused = null;
            if (session == null && !plan.isEmpty()) {
                // The op's own weights output is not available: rewrite it as ordinary ops beside it where that
                // is faithful (an op that cannot be rewritten is refused here, naming what, exit 4).
                unfused = planted.apply(NativePatterns.plan(hookable, sites, refused != null ? "ONNX Runtime refused it: " + refused
                        : UNFUSE_PROPERTY + "=always"));
                if (!unfused.isEmpty()) {
                    session = Sessions.fromBytes(hookedGraph(hookable, unfused, weights), weights.folder, device, shared);
                    used = unfused;
                }
            }
            if (session == null) {
                session = Sessions.fromBytes(hookedGraph(hookable, used, weights), weights.folder, device, shared);
            }
            if (!used.isEmpty()) {
                sites = used.sites();
            }
            Map<Integer, PatternSource> sources = new java.util.TreeMap<>();
            String notUsed = used == plan ? null : refused != null ? refused : UNFUSE_PROPERTY + "=always";
            for (AttentionSite s : sites) {
                boolean rewritten = unfused != null && unfused.how().containsKey(s.layer());
                sources.put(s.layer(), rewritten ? patternSource(s, unfused, null) : patternSource(s, plan, notUsed));
            }
            return new HookedModel(folder, graphFile, config, graph, hookable, weights, List.copyOf(sites), isCausal(folder, graph, all),
                    device, session, shared, sources, used.edits().outputTypes(), used.copies());
        }
    }

    /** Where a site's pattern comes from, after the hooked session was (or was not) created with {@code plan}. */
    static PatternSource patternSource(AttentionSite s, NativePatterns.Plan plan, String refused) {
        NativePatterns.Output nativeOutput = plan.how().get(s.layer());
        if (nativeOutput != null && refused != null) {
            return new PatternSource(false, "ONNX Runtime refused the op's weights output",
                    "ONNX Runtime refused to return " + nativeOutput.detail() + ": " + refused);
        }
        if (nativeOutput != null) {
            return new PatternSource(true, nativeOutput.kind(), nativeOutput.detail());
        }
        if (s.pattern().isPresent() && s.style().equals(attnscope.onnx.Unfusing.UNFUSED_STYLE)) {
            return new PatternSource(true, "Softmax of com.microsoft:Attention rewritten as ordinary ops in the hooked graph",
                    "tensor " + s.pattern().get().tensor() + " (" + s.node() + "; the untouched graph keeps the fused op)");
        }
        if (s.pattern().isPresent()) {
            return new PatternSource(true, "the graph's Softmax", "tensor " + s.pattern().get().tensor() + " (" + s.node() + ")");
        }
        return new PatternSource(false, "no weights output", s.node() + " has no output that returns its attention weights");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The graph input that carries token ids ("input_ids", or a name ending in it). */
    static boolean isTokenIdsInput(String name) {
        return name.equals("input_ids") || name.endsWith("input_ids");
    }

    /** Inputs attnscope can fill for one prompt (see {@link #inputs}). */
    static boolean isFillableInput(String name) {
        return isTokenIdsInput(name) || name.equals("attention_mask") || name.equals("token_type_ids")
                || name.equals("position_ids") || name.equals("cache_position") || name.startsWith("past");
    }

    /**
     * A language model takes token ids. A graph that takes pixels (an image classifier) or anything
     * else attnscope cannot fill is refused by name before a session is created for it.
     */
    static void requireTokenInputs(OnnxGraph graph, Path file) {
        List<ValueInfoProto> inputs = graph.realInputs();
        String names = inputs.stream().map(v -> v.getName() + " " + shape(v)).collect(java.util.stream.Collectors.joining(", "));
        if (inputs.stream().noneMatch(v -> isTokenIdsInput(v.getName()))) {
            throw new InputException(file + " is not a language model: it takes " + (inputs.isEmpty() ? "no inputs" : names)
                    + ", not token ids (input_ids); give the folder of a transformer language model");
        }
        for (ValueInfoProto v : inputs) {
            if (!isFillableInput(v.getName())) {
                throw new InputException(file + " has an input attnscope does not know how to fill: " + v.getName() + " " + shape(v)
                        + " (known: input_ids, attention_mask, token_type_ids, position_ids, cache_position, past_key_values.*)");
            }
        }
    }

    /** "[1, 3, 224, 224]" or "[batch, seq]": a graph input's declared shape. */
    private static String shape(ValueInfoProto v) {
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
        }
        return dims.toString();
    }

    /**
     * Where the external weights really are. ONNX Runtime refuses weight files that resolve (through
     * symbolic links) outside the folder it was given — and the Hugging Face cache keeps model files
     * as links into a blobs/ folder. So the links are resolved here and the graph given to ONNX Runtime
     * names the real files, in their real folder. The user's files are never written.
     */
    private record Weights(Path folder, Map<String, String> relocated) {
        static Weights locate(Path graphFile, OnnxGraph graph) {
            Path base = graphFile.toAbsolutePath().getParent();
            Map<String, String> relocated = new HashMap<>();
            Path realFolder = null;
            for (String location : graph.externalLocations()) {
                Path real;
                try {
                    real = base.resolve(location).toRealPath();
                } catch (java.io.IOException e) {
                    throw new InputException("the graph keeps its weights in " + base.resolve(location)
                            + ", which cannot be read: " + e.getMessage());
                }
                if (realFolder != null && !realFolder.equals(real.getParent())) {
                    return new Weights(base, Map.of()); // weights spread over folders: leave them as they are
                }
                realFolder = real.getParent();
                relocated.put(location, real.getFileName().toString());
            }
            if (realFolder == null || realFolder.equals(base.toAbsolutePath())
                    && relocated.entrySet().stream().allMatch(e -> e.getKey().equals(e.getValue()))) {
                return new Weights(base, Map.of());
            }
            return new Weights(realFolder, relocated);
        }
    }

    /** The graph with every tensor of the plan's sites added as an output, and the plan's edits (copies of fused ops). */
    private static byte[] hookedGraph(OnnxGraph graph, NativePatterns.Plan plan, Weights weights) {
        Set<String> taps = new LinkedHashSet<>();
        for (AttentionSite s : plan.sites()) {
            taps.add(s.q().tensor());
            taps.add(s.k().tensor());
            taps.add(s.v().tensor());
            s.pattern().ifPresent(p -> taps.add(p.tensor()));
            ScoresTap.find(graph, s).ifPresent(t -> taps.add(t.tensor()));
            taps.add(s.z().tensor());
            s.qBeforeRotary().ifPresent(q -> taps.add(q.tensor()));
            s.kBeforeRotary().ifPresent(k -> taps.add(k.tensor()));
        }
        for (NativePatterns.Copy c : plan.copies().values()) {
            taps.add(c.modelOutput());
            taps.add(c.copyOutput());
        }
        return graph.withOutputs(taps, plan.edits(), weights.relocated());
    }

    private static int[] allLayers(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Whether the model hides the future. Decided from what the model is, not from what its
     * attention looks like (that is what the causal check then verifies): fused GroupQueryAttention
     * is causal by definition; otherwise config.json's architecture (…ForCausalLM, is_decoder,
     * decoder families) and, failing that, a graph with a key/value cache input.
     */
    static boolean isCausal(ModelFolder folder, OnnxGraph graph, List<AttentionSite> sites) {
        if (sites.stream().anyMatch(s -> s.style().equals("fused-gqa"))) {
            return true;
        }
        Optional<Boolean> declared = folder.declaresCausal();
        if (declared.isPresent()) {
            return declared.get();
        }
        return graph.realInputs().stream().anyMatch(v -> v.getName().startsWith("past") || v.getName().equals("position_ids"));
    }

    public ModelFolder folder() {
        return folder;
    }

    public ModelConfig config() {
        return config;
    }

    /** The sites of the captured layers, in order. */
    public List<AttentionSite> sites() {
        return sites;
    }

    /** Per captured layer: whether its pattern is the model's own (and from which node) or the reference's only, and why. */
    public Map<Integer, PatternSource> patternSources() {
        return patternSources;
    }

    /**
     * The ONNX element types (TensorProto.DataType) of the attention tensors read, Q, K, V and the
     * pattern of every captured layer: what sets the precision the checks can expect.
     */
    public Set<Integer> attentionElementTypes() {
        Set<Integer> types = new java.util.TreeSet<>();
        for (AttentionSite s : sites) {
            for (Tap t : List.of(s.q(), s.k(), s.v())) {
                types.add(hookable.elementType(t.tensor()));
            }
            s.pattern().ifPresent(p -> types.add(hookTypes.getOrDefault(p.tensor(), hookable.elementType(p.tensor()))));
        }
        return types;
    }

    public String attentionStyle() {
        return sites.get(0).style();
    }

    public boolean causal() {
        return causal;
    }

    /** "CPU" or "CUDA". */
    public String provider() {
        return hooked.provider();
    }

    /** The one-line notice when --device auto fell back to the CPU. */
    public Optional<String> deviceNotice() {
        return hooked.notice();
    }

    /**
     * Opens the untouched graph's session now (otherwise the first {@link #plainForward} does). It
     * may run on another thread than the forward passes: {@link #plainForward} waits for it.
     */
    public synchronized void openPlain() {
        if (plain == null) {
            plain = weights.relocated().isEmpty() ? Sessions.fromFile(graphFile, device, shared)
                    : Sessions.fromBytes(graph.withOutputs(List.of(), Map.of(), weights.relocated()), weights.folder(), device, shared);
        }
    }

    /** The untouched graph's first output for these token ids (batch 1). */
    public Tensor plainForward(int[] ids) {
        openPlain();
        try (OrtInputs in = inputs(ids); OrtSession.Result r = plain.session().run(in.map, Set.of(firstOutput))) {
            return toTensor(r.get(firstOutput).orElseThrow(), firstOutput);
        } catch (OrtException e) {
            throw new InputException("ONNX Runtime failed on the model: " + e.getMessage(), e);
        }
    }

    /** One hooked forward pass: the attention tensors of every chosen layer, and the first output. */
    public Capture capture(int[] ids) {
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(firstOutput);
        for (AttentionSite s : sites) {
            wanted.add(s.q().tensor());
            wanted.add(s.k().tensor());
            wanted.add(s.v().tensor());
            s.pattern().ifPresent(p -> wanted.add(p.tensor()));
            ScoresTap.find(graph, s).ifPresent(t -> wanted.add(t.tensor()));
            wanted.add(s.z().tensor());
            s.qBeforeRotary().ifPresent(q -> wanted.add(q.tensor()));
            s.kBeforeRotary().ifPresent(k -> wanted.add(k.tensor()));
        }
        for (NativePatterns.Copy c : copies.values()) {
            wanted.add(c.modelOutput());
            wanted.add(c.copyOutput());
        }
        try (OrtInputs in = inputs(ids); OrtSession.Result r = hooked.session().run(in.map, wanted)) {
            ActivationCache cache = new ActivationCache();
            Map<Integer, Tensor> qBefore = new HashMap<>();
            Map<Integer, Tensor> kBefore = new HashMap<>();
            for (AttentionSite s : sites) {
                int layer = s.layer();
                Tensor q = read(r, s.q(), 0, "layer " + layer + " q");
                int heads = q.dim(0);
                cache.put(layer, Site.Q, s.qNeedsRotary() ? rotate(q) : q);
                cache.put(layer, Site.K, read(r, s.k(), heads, "layer " + layer + " k"));
                cache.put(layer, Site.V, read(r, s.v(), heads, "layer " + layer + " v"));
                if (s.pattern().isPresent()) {
                    cache.put(layer, Site.PATTERN, read(r, s.pattern().get(), heads, "layer " + layer + " pattern"));
                    Optional<ScoresTap> scores = ScoresTap.find(graph, s);
                    if (scores.isPresent()) {
                        // Laid out like the pattern it feeds: (B, H, T, T) → (H, T, T).
                        Tensor raw = read(r, new Tap(scores.get().tensor(), s.pattern().get().layout()), heads, "layer " + layer + " scores");
                        float[] scaled = raw.data();
                        for (int i = 0; scores.get().factor() != 1.0 && i < scaled.length; i++) {
                            scaled[i] *= (float) scores.get().factor(); // a scale the graph applies after its mask
                        }
                        cache.put(layer, Site.SCORES, raw);
                    }
                }
                cache.put(layer, Site.Z, read(r, s.z(), heads, "layer " + layer + " z"));
                if (s.qBeforeRotary().isPresent()) {
                    qBefore.put(layer, read(r, s.qBeforeRotary().get(), heads, "layer " + layer + " q before rotary"));
                }
                if (s.kBeforeRotary().isPresent()) {
                    kBefore.put(layer, read(r, s.kBeforeRotary().get(), heads, "layer " + layer + " k before rotary"));
                }
            }
            Map<Integer, OpOutputs> copyOutputs = new java.util.TreeMap<>();
            copies.forEach((layer, c) -> copyOutputs.put(layer, new OpOutputs(
                    toTensor(r.get(c.modelOutput()).orElseThrow(), c.modelOutput()), toTensor(r.get(c.copyOutput()).orElseThrow(), c.copyOutput()))));
            Tensor output = toTensor(r.get(firstOutput).orElseThrow(), firstOutput);
            return new Capture(cache, output, qBefore, kBefore, copyOutputs);
        } catch (OrtException e) {
            throw new InputException("ONNX Runtime failed on the hooked model: " + e.getMessage(), e);
        }
    }

    /**
     * Where a fused op rotates Q inside (do_rotary=1) the graph never holds the rotated queries: the
     * tool rotates the captured ones with config.json's θ, so Q means "after rotary" for every style.
     * (The rotary.k check verifies the tool's rotary against the op's own, on the keys.)
     */
    private Tensor rotate(Tensor q) {
        if (!(config.ropeTheta() > 1)) {
            throw new InputException("config.json gives no usable rope_theta (" + config.ropeTheta()
                    + ") but the graph's GroupQueryAttention rotates queries and keys (do_rotary=1)");
        }
        attnscope.attention.Rotary rotary = new attnscope.attention.Rotary(q.dim(2), config.ropeTheta());
        return new Tensor(q.shape(), rotary.apply(q.data(), attnscope.attention.Rotary.positions(q.dim(1))));
    }

    private static Tensor read(OrtSession.Result r, Tap tap, int queryHeads, String what) {
        OnnxValue value = r.get(tap.tensor()).orElseThrow(() -> new IllegalStateException(what + ": " + tap.tensor() + " was not returned"));
        OnnxTensor t = (OnnxTensor) value;
        float[] data = floats(t, what);
        return HeadTensors.toHeads(data, t.getInfo().getShape(), tap.layout(), queryHeads, what);
    }

    private static Tensor toTensor(OnnxValue value, String what) {
        OnnxTensor t = (OnnxTensor) value;
        long[] shape = t.getInfo().getShape();
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return new Tensor(s, floats(t, what));
    }

    /** The values as floats (fp16 and bf16 are widened by ONNX Runtime). */
    private static float[] floats(OnnxTensor t, String what) {
        FloatBuffer b = t.getFloatBuffer();
        if (b == null) {
            throw new InputException(what + ": expected a floating-point tensor but found " + t.getInfo().type);
        }
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array(); // ONNX Runtime already copied the values into a fresh array: no second copy
        }
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** The graph's inputs for one prompt, batch 1, no cache: ids, an all-ones mask, positions 0..T−1, empty past. */
    private OrtInputs inputs(int[] ids) throws OrtException {
        OrtEnvironment env = Sessions.environment();
        OrtInputs in = new OrtInputs();
        int t = ids.length;
        try {
            for (ValueInfoProto v : inputs) {
                String name = v.getName();
                int elem = v.getType().getTensorType().getElemType();
                long[] shape2 = {1, t};
                if (isTokenIdsInput(name)) {
                    in.put(name, integers(env, elem, shape2, i -> ids[i]));
                } else if (name.equals("attention_mask")) {
                    in.put(name, integers(env, elem, shape2, i -> 1));
                } else if (name.equals("token_type_ids")) {
                    in.put(name, integers(env, elem, shape2, i -> 0));
                } else if (name.equals("position_ids")) {
                    in.put(name, integers(env, elem, shape2, i -> i));
                } else if (name.equals("cache_position")) {
                    in.put(name, integers(env, elem, new long[] {t}, i -> i));
                } else if (name.startsWith("past")) {
                    in.put(name, emptyPast(env, v));
                } else {
                    throw new InputException("the graph has an input attnscope does not know how to fill: " + name
                            + " (known: input_ids, attention_mask, token_type_ids, position_ids, cache_position, past_key_values.*)");
                }
            }
            return in;
        } catch (OrtException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private interface IntAt {
        long at(int i);
    }

    private static OnnxTensor integers(OrtEnvironment env, int elem, long[] shape, IntAt values) throws OrtException {
        int n = 1;
        for (long dim : shape) {
            n *= (int) dim;
        }
        if (elem == ai.onnx.proto.OnnxMl.TensorProto.DataType.INT32_VALUE) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = (int) values.at(i);
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(a), shape);
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.at(i);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(a), shape);
    }

    /** An empty cache entry: (1, Hkv, 0, d) — batch 1, the declared sizes, 0 past positions. */
    private static OnnxTensor emptyPast(OrtEnvironment env, ValueInfoProto v) throws OrtException {
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            shape[i] = d.hasDimValue() ? d.getDimValue() : (i == 0 ? 1 : 0);
        }
        int elem = v.getType().getTensorType().getElemType();
        if (elem == ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE) {
            return OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder()), shape,
                    ai.onnxruntime.OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape);
    }

    /** The input tensors of one run, closed together. */
    private static final class OrtInputs implements AutoCloseable {
        final Map<String, OnnxTensor> map = new HashMap<>();

        void put(String name, OnnxTensor t) {
            map.put(name, t);
        }

        @Override
        public void close() {
            map.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public synchronized void close() {
        try {
            hooked.session().close();
            if (plain != null) {
                plain.session().close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime sessions failed", e);
        }
    }
}
