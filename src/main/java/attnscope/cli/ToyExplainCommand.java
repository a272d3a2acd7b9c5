package attnscope.cli;

import attnscope.toy.InvalidToyInputException;
import attnscope.toy.MatrixAttention;
import attnscope.toy.MatrixExample;
import attnscope.toy.MatrixText;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import attnscope.toy.WeightReading;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attnscope toy explain I J}: what one weight of a pattern means, in words. */
@Command(name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "What one weight means: weights[I, J] in plain words.",
            "",
            "weights[I, J] is the share of query position I's output that comes from the value at position J (row I sums to 1). In a causal model weights[I, J] is 0 whenever J > I. The pattern is that of `attnscope toy matrix` (its built-in example or --input), causal unless --no-causal.",
            "",
            "  attnscope toy explain 3 1        query 3 (\"the\") reading position 1 (\"cat\")",
            "  attnscope toy explain 1 3        a future position: exactly 0 when causal",
            "  attnscope toy explain 1 3 --no-causal",
            ""
        })
public final class ToyExplainCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", paramLabel = "I", description = "Query position (row), from 0.")
    int i;

    @Parameters(index = "1", paramLabel = "J", description = "Key/value position (column), from 0.")
    int j;

    @Option(names = "--causal", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Apply the causal mask (default: ${DEFAULT-VALUE}; --no-causal to let every query see every key).")
    boolean causal;

    @Option(names = "--scaled", description = "Divide the scores by √d_k.")
    boolean scaled;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ToyInput in = common.load("matrix");
        MatrixAttention.Result r;
        WeightReading w;
        try {
            r = MatrixAttention.compute(MatrixExample.from(in), scaled, causal);
            w = WeightReading.read(r, i, j);
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, true, e);
        }
        common.print(spec, MatrixText.explain(w, r), ToyJson.explain(w));
        if (common.drawFigures()) {
            // Row I as bars: the whole budget of query I, the weight asked about among the others.
            java.util.List<String> labels = new java.util.ArrayList<>();
            for (int p = 0; p < r.example().length(); p++) {
                labels.add(p + " " + r.example().tokens().get(p));
            }
            java.util.Map<String, double[]> row = new java.util.LinkedHashMap<>();
            row.put("weights[" + i + ", ·]" + (r.causal() ? " (causal)" : ""), r.weights()[i]);
            String title = "weights[" + i + ", " + j + "] = " + attnscope.toy.Fmt.fixed(w.weight()) + ": row " + i
                    + " (query \"" + r.example().tokens().get(i) + "\") sums to 1";
            spec.commandLine().getErr().println("wrote " + attnscope.render.ToyCharts.writePng(
                    attnscope.render.ToyCharts.weightBars(title, labels, row), 800, 500, common.figure("explain_" + i + "_" + j + ".png")));
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }
}
