package attnscope.cli;

import attnscope.inspect.InspectionResult;
import attnscope.output.FileSink;
import attnscope.output.OutputFolder;
import attnscope.report.SummaryJson;
import attnscope.report.SummaryText;
import attnscope.report.TensorFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope inspect}: capture a real model's attention and check it against the formula. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Capture every layer's attention and check it against the formula.",
        description = {
            "Run a model on a text, capture every layer's attention (Q, K, V, the pattern,",
            "the per-head output z) and check it against softmax(Q·Kᵀ/√d + mask)·V",
            "recomputed in plain Java. Checks, per layer and head:",
            "  shape.*        against config.json: Q (H, T, d), K and V (Hkv, T, d),",
            "                 pattern (H, T, T), z (H, T, d)",
            "  causal         every weight above the diagonal exactly 0 (an encoder is",
            "                 reported NOT causal, which is not a failure)",
            "  rowsum         each row of the pattern sums to 1",
            "  pattern.ref    reference against model, |a − b| ≤ atol + rtol·|b|",
            "  z.ref          the same for the per-head output, as o_proj reads it",
            "  negative-control  recomputing WITHOUT the mask must disagree (if causal;",
            "                 for the heads the mask visibly changes)",
            "  rotary.q/k     rotary with config.json's rope_theta against the graph's",
            "  scale          the graph's score scale against 1/√d",
            "  pattern.copy   (fused ops) the op copy that returned the pattern computes",
            "                 the op's output",
            "  logits         the hooked graph's output equals the untouched graph's",
            "",
            "Writes OUT/summary.json (and OUT/tensors/*.npy with --save-tensors).",
            "Exit 0 when every check passes, 3 when one fails, 4 for an input problem.",
            "",
            "Examples:",
            "  attnscope inspect --model models/qwen2.5-0.5b --text \"the cat chases the\" \\",
            "      --out reports/cat",
            "  attnscope inspect --model models/tiny --ids 1,2,3,4 --out /tmp/tiny \\",
            "      --layers 0 --save-tensors",
            ""
        })
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelRunOptions run;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for summary.json and tensors/ (created if missing).")
    Path out;

    @Option(names = "--save-tensors", description = "Also write OUT/tensors/layer{L}.{q,k,v,pattern,z}.npy, layer{L}.pattern.ref.npy and, where the graph holds them, layer{L}.scores.npy (pre-softmax, before the mask).")
    boolean saveTensors;

    /** Where output bytes go; tests replace it to simulate a full disk. */
    FileSink sink = FileSink.ATOMIC;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter notes = verbose.notes(spec);
        // Locked before the model runs: a second run into this folder is refused at once.
        OutputFolder.claim(out, "--out", line -> notes.println("attnscope: " + line),
                saveTensors ? new String[] {"tensors"} : new String[0]);
        ModelRunOptions.Outcome o = run.run(spec, notes);
        InspectionResult result = o.result();
        // summary.json and the tensors appear together or not at all.
        try (OutputFolder folder = OutputFolder.open(out, sink)) {
            folder.write("summary.json", SummaryJson.toJson(result).getBytes(StandardCharsets.UTF_8));
            if (saveTensors) {
                TensorFiles.write(folder, result);
            }
            folder.commit();
        }
        stdout.print(SummaryText.of(o.folder().dir().getFileName().toString(), result));
        stdout.println("wrote      " + out.resolve("summary.json") + (saveTensors ? " and " + out.resolve("tensors") : ""));
        stdout.flush();
        return result.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
