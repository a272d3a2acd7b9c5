package attnscope.cli;

import attnscope.progress.ProgressBar;
import attnscope.progress.ProgressMode;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnscope synth}: writes a Qwen2-architecture model with seeded random weights. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Write a Qwen2-architecture ONNX model with seeded random weights.",
        description = {
            "Write a Qwen2-architecture ONNX model with seeded random weights: the real",
            "graph of Qwen2.5 (rotary embedding, 14 query heads sharing 2 key/value heads,",
            "causal mask, SwiGLU MLP) without the download. For tests, demos, benchmarks:",
            "it knows no language.",
            "",
            "The folder has the Hugging Face layout: config.json (with",
            "\"attnscope_synthetic\": true), model.onnx (the graph), model.onnx.data (the",
            "weights) and tokenizer.json. Same options and seed -> byte-identical files.",
            "",
            "Examples:",
            "  attnscope synth --out models/synth",
            "      Qwen2.5's attention geometry (D 896, 14/2 heads, d 64), 2 layers",
            "  attnscope synth --out models/tiny --preset tiny",
            "      D 64, 4 query heads / 2 key/value heads, d 16",
            "  attnscope synth --out models/gqa --style fused-gqa",
            "      one com.microsoft:GroupQueryAttention node per layer",
            "  attnscope synth --out models/q25 --preset qwen2.5-0.5b --tokenizer tok.json",
            "      the full Qwen2.5-0.5B shape (about 2 GB) with the real Qwen2 tokenizer",
            ""
        })
public final class SynthCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Model folder to write; must not exist or be empty (see --force).")
    Path out;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "qwen2.5-geometry",
            description = {"Starting shape, refined by the options below (default: ${DEFAULT-VALUE}).",
                "tiny: D 64, H 4, Hkv 2, d 16, 2 layers, MLP 128, vocab 512, theta 1e4.",
                "qwen2.5-geometry: D 896, H 14, Hkv 2, d 64, theta 1e6; 2 layers, MLP 1024, vocab 1024.",
                "qwen2.5-0.5b: the full shape, 24 layers, MLP 4864, vocab 151936 (about 2 GB)."})
    String preset;

    @Option(names = "--style", paramLabel = "STYLE", defaultValue = "decomposed",
            description = {"Graph style (default: ${DEFAULT-VALUE}).",
                "decomposed: like optimum / transformers.js exports (MatMul, Mul, Add mask, Softmax, MatMul).",
                "sdpa: torch's scaled_dot_product_attention export with a float mask.",
                "sdpa-bool: the same with a boolean mask (Where, Softmax, Where(IsNaN)).",
                "onnx-attention: the standard ONNX Attention op (opset 23).",
                "mha: ONNX Runtime's optimizer (com.microsoft:MultiHeadAttention).",
                "fused-gqa (or gqa): like the onnxruntime-genai builder (com.microsoft:GroupQueryAttention)."})
    String style;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "fp32",
            description = {"Element type of weights and activations (default: ${DEFAULT-VALUE}).",
                "fp16: as onnxruntime-genai's fp16 builds and the onnx-community model_fp16.onnx files."})
    String dtype;

    @Option(names = "--quantize", paramLabel = "KIND", defaultValue = "none",
            description = {"Linear-layer weights (default: ${DEFAULT-VALUE}).",
                "q4: 4-bit blocks, com.microsoft:MatMulNBits (onnx-community q4; with --dtype fp16: q4f16).",
                "int8: DynamicQuantizeLinear + MatMulInteger (onnx-community int8; fp32 only)."})
    String quantize;

    @Option(names = "--hidden", paramLabel = "D", description = "Hidden size D.")
    Integer hidden;

    @Option(names = "--num-heads", paramLabel = "H", description = "Query heads per layer.")
    Integer heads;

    @Option(names = "--heads", paramLabel = "H", hidden = true, description = "Deprecated spelling of --num-heads.")
    Integer headsDeprecated;

    @Option(names = "--kv-heads", paramLabel = "Hkv", description = "Key/value heads per layer (H must be a multiple).")
    Integer kvHeads;

    @Option(names = "--head-dim", paramLabel = "d",
            description = "Head dimension (even; a multiple of 16 for fused-gqa).")
    Integer headDim;

    @Option(names = "--num-layers", paramLabel = "L", description = "Number of decoder layers.")
    Integer layers;

    @Option(names = "--layers", paramLabel = "N", hidden = true, description = "Deprecated spelling of --num-layers.")
    Integer layersDeprecated;

    @Option(names = "--intermediate", paramLabel = "N", description = "SwiGLU inner size.")
    Integer intermediate;

    @Option(names = "--vocab", paramLabel = "N",
            description = "Vocabulary size (>= 256 for the built-in byte tokenizer; > the largest id of --tokenizer).")
    Integer vocab;

    @Option(names = "--theta", paramLabel = "THETA", description = "Rotary base theta.")
    Double theta;

    @Option(names = "--max-positions", paramLabel = "N", description = "max_position_embeddings.")
    Integer maxPositions;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scale", paramLabel = "WHERE", hidden = true, description = "Deprecated spelling of --score-scaling.")
    String scaleDeprecated;

    @Option(names = "--score-scaling", paramLabel = "WHERE", defaultValue = "after-matmul",
            description = {"Where the decomposed graph applies 1/sqrt(d) (default: ${DEFAULT-VALUE}).",
                "after-matmul: MatMul(Q, K^T) * 1/sqrt(d).",
                "split-sqrt: MatMul(Q * s, K^T * s) with s = sqrt(1/sqrt(d)), as optimum exports do."})
    String scale;

    @Option(names = "--packed-qkv",
            description = "fused-gqa: one packed qkv_proj MatMul, as the onnxruntime-genai builder writes it.")
    boolean packedQkv;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json to copy (e.g. the real Qwen2 tokenizer); default: a byte-level tokenizer.")
    Path tokenizer;

    @Option(names = "--force", description = "Replace --out if it is a model folder written by attnscope synth.")
    boolean force;

    @Option(names = "--allow-large", description = "Write weights above 4 GiB (refused by default: a typo in a size "
            + "should not fill the disk). The free space is checked either way.")
    boolean allowLarge;

    @Option(names = "--fault", hidden = true, paramLabel = "FAULT",
            description = "Deliberate fault for negative tests: FUTURE_VISIBLE_MASK, SWAPPED_HEADS (repeatable).")
    List<SynthSpec.Fault> faults = new ArrayList<>();

    @Option(names = "--qk-output", hidden = true, paramLabel = "0|1|2", defaultValue = "0",
            description = "fused-gqa: expose GroupQueryAttention's output_qk (1 scores, 2 pattern) as graph outputs.")
    int qkOutput;

    @Override
    public Integer call() {
        SynthSpec synth = buildSpec();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Path dir;
        try (WeightsProgress progress = new WeightsProgress(err, verbose.progressMode())) {
            dir = SyntheticModelWriter.write(synth, out, tokenizer, progress, force,
                    allowLarge ? Long.MAX_VALUE : SyntheticModelWriter.DEFAULT_MAX_BYTES);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "wrote %s (%s, seed %d): %d layers, D %d, H %d / Hkv %d, d %d, MLP %d, vocab %d, "
                + "theta %s in %.1f s%n", dir, synth.style().cliName(), synth.seed(), synth.layers(), synth.hidden(),
                synth.heads(), synth.kvHeads(), synth.headDim(), synth.intermediate(), synth.vocab(),
                stripZeros(synth.ropeTheta()), seconds);
        o.flush();
        return ExitCodes.OK;
    }

    private SynthSpec buildSpec() {
        layers = Deprecations.pick(spec, layers, "--num-layers", layersDeprecated, "--layers",
                "--layers selects layers in inspect and figures");
        heads = Deprecations.pick(spec, heads, "--num-heads", headsDeprecated, "--heads", "--heads selects heads in lesson");
        if (scaleDeprecated != null) {
            Deprecations.notice(spec, "--scale", "--score-scaling", "--scale is the colour scale of figures");
            if (!spec.commandLine().getParseResult().hasMatchedOption("--score-scaling")) {
                scale = scaleDeprecated;
            }
        }
        try {
            SynthSpec.Builder b = switch (preset.toLowerCase(Locale.ROOT)) {
                case "tiny" -> SynthSpec.tiny();
                case "qwen2.5-geometry", "qwen25-geometry" -> SynthSpec.qwen25Geometry(2);
                case "qwen2.5-0.5b", "qwen25" -> SynthSpec.fullQwen25();
                default -> throw new IllegalArgumentException("unknown --preset '" + preset
                        + "': expected tiny, qwen2.5-geometry or qwen2.5-0.5b");
            };
            b.style(SynthSpec.Style.fromCliName(style)).dtype(SynthSpec.DType.fromCliName(dtype))
                    .quantize(SynthSpec.Quantize.fromCliName(quantize)).seed(seed).gqaQkOutput(qkOutput).packedQkv(packedQkv);
            b.scale(switch (scale.toLowerCase(Locale.ROOT)) {
                case "after-matmul" -> SynthSpec.ScalePlacement.AFTER_MATMUL;
                case "split-sqrt" -> SynthSpec.ScalePlacement.SPLIT_SQRT;
                default -> throw new IllegalArgumentException("unknown --score-scaling '" + scale
                        + "': expected after-matmul or split-sqrt");
            });
            if (hidden != null) {
                b.hidden(hidden);
            }
            if (heads != null) {
                b.heads(heads);
            }
            if (kvHeads != null) {
                b.kvHeads(kvHeads);
            }
            if (headDim != null) {
                b.headDim(headDim);
            }
            if (layers != null) {
                b.layers(layers);
            }
            if (intermediate != null) {
                b.intermediate(intermediate);
            }
            if (vocab != null) {
                b.vocab(vocab);
            }
            if (theta != null) {
                b.ropeTheta(theta);
            }
            if (maxPositions != null) {
                b.maxPositions(maxPositions);
            }
            faults.forEach(b::fault);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static String stripZeros(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Feeds the writer's cumulative progress into the shared {@link ProgressBar}: redrawn in place
     * on a terminal, one line at the end in a log, nothing with --quiet.
     */
    static final class WeightsProgress implements ProgressListener, AutoCloseable {
        private final PrintWriter err;
        private final ProgressMode mode;
        private ProgressBar bar;
        private long reported;

        WeightsProgress(PrintWriter err, ProgressMode mode) {
            this.err = err;
            this.mode = mode;
        }

        @Override
        public void progress(long done, long total) {
            if (bar == null) {
                bar = ProgressBar.bytes("writing weights", total, err, mode);
            }
            bar.advance(done - reported);
            reported = done;
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
