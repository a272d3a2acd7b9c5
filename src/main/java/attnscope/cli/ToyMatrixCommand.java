package attnscope.cli;

import attnscope.toy.InvalidToyInputException;
import attnscope.toy.MatrixAttention;
import attnscope.toy.MatrixExample;
import attnscope.toy.MatrixText;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope toy matrix}: every query at once, with and without ÷√d_k, as heatmaps. */
@Command(name = "matrix",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The full matrix view: all queries at once, with and without ÷√d_k, as heatmaps.",
            "",
            "scores = Q·Kᵀ (row = query, column = key), weights = softmax of each row, output = weights·V; once as is and once with the scores ÷ √d_k, drawn with the same heatmap renderer and colour scale as the real model's heads.",
            "",
            "Built-in example: the handout's tokens, keys and values, with a (made-up) query for every token; the last is the handout's [2, 3].",
            "",
            "  attnscope toy matrix",
            "  attnscope toy matrix --causal",
            "  attnscope toy matrix --queries \"1,0;0,1;3,0;2,3\"",
            ""
        })
public final class ToyMatrixCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--token-text", paramLabel = "T0,T1,…", description = "The tokens' text.")
    String tokens;

    @Option(names = "--tokens", paramLabel = "T0,T1,…", hidden = true, description = "Deprecated spelling of --token-text.")
    String tokensDeprecated;

    @Option(names = "--queries", paramLabel = "Q0;Q1;…", description = "One query per token, rows separated by ';'.")
    String queries;

    @Option(names = "--keys", paramLabel = "K0;K1;…", description = "One key per token.")
    String keys;

    @Option(names = "--values", paramLabel = "V0;V1;…", description = "One value per token.")
    String values;

    @Option(names = "--causal", description = "Add the causal mask (−∞ above the diagonal) before softmax.")
    boolean causal;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        tokens = Deprecations.pick(spec, tokens, "--token-text", tokensDeprecated, "--tokens",
                "--tokens is a number of tokens T in shapes, inspect, figures, lesson and bench");
        ToyInput in = common.load("matrix");
        boolean optionsGiven = tokens != null || queries != null || keys != null || values != null;
        MatrixAttention.Result plain;
        MatrixAttention.Result scaled;
        try {
            in = override(in);
            MatrixExample ex = MatrixExample.from(in);
            boolean masked = causal || in.flag("causal", false);
            plain = MatrixAttention.compute(ex, false, masked);
            scaled = MatrixAttention.compute(ex, true, masked);
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, optionsGiven, e);
        }
        common.print(spec, MatrixText.matrixView(plain, scaled), ToyJson.matrixView(plain, scaled));
        if (common.drawFigures()) {
            String mask = plain.causal() ? " + mask" : "";
            common.heatmap(spec, "matrix_weights.png", "softmax(Q·Kᵀ" + mask + ")", plain.example().tokens(), plain.weights(), plain.causal());
            common.heatmap(spec, "matrix_weights_scaled.png", "softmax(Q·Kᵀ ÷ √" + plain.example().dk() + mask + ")",
                    scaled.example().tokens(), scaled.weights(), scaled.causal());
        }
        return ExitCodes.OK;
    }

    private ToyInput override(ToyInput in) {
        return in.overriddenWith("tokens", tokens).overriddenWith("queries", queries)
                .overriddenWith("keys", keys).overriddenWith("values", values);
    }
}
