package attnscope.cli;

import attnscope.toy.InvalidToyInputException;
import attnscope.toy.MatrixAttention;
import attnscope.toy.MatrixExample;
import attnscope.toy.MatrixText;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope toy self-attention}: the inputs as their own queries, keys and values. */
@Command(name = "self-attention",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Self-attention without learnable weights: each input is its own query, key and value.",
            "",
            "scores = X·Xᵀ (T × T), weights = softmax of each row, context vectors Z = weights·X (T × d), with one row written out term by term (\"0.1385 × [0.43, 0.15, 0.89] + …\").",
            "",
            "Built-in example: \"Your journey starts with one step\" (S. Raschka, Build a Large Language Model (From Scratch), ch. 3).",
            "",
            "  attnscope toy self-attention",
            "  attnscope toy self-attention --row 0 --scaled",
            "  attnscope toy self-attention --token-text a,b,c --inputs \"1,0;0,1;1,1\"",
            ""
        })
public final class ToySelfAttentionCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--token-text", paramLabel = "T0,T1,…", description = "The tokens' text.")
    String tokens;

    @Option(names = "--tokens", paramLabel = "T0,T1,…", hidden = true, description = "Deprecated spelling of --token-text.")
    String tokensDeprecated;

    @Option(names = "--inputs", paramLabel = "X0;X1;…", description = "One input vector per token, rows separated by ';'.")
    String inputs;

    @Option(names = "--row", paramLabel = "I", description = "The query whose context vector is written out term by term (default: the file's explain-query, else 1).")
    Integer row;

    @Option(names = "--scaled", description = "Divide the scores by √d (the book's simple version does not).")
    boolean scaled;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        tokens = Deprecations.pick(spec, tokens, "--token-text", tokensDeprecated, "--tokens",
                "--tokens is a number of tokens T in shapes, inspect, figures, lesson and bench");
        ToyInput in = common.load("self-attention");
        boolean optionsGiven = tokens != null || inputs != null || row != null;
        MatrixAttention.Result r;
        int query;
        try {
            in = in.overriddenWith("tokens", tokens);
            in = in.overriddenWith("inputs", inputs);
            List<String> toks = in.tokens("tokens");
            MatrixExample ex = MatrixExample.selfAttention(toks, in.matrix("inputs"));
            query = row != null ? row : Math.min(in.integer("explain-query", 1), toks.size() - 1);
            if (query < 0 || query >= toks.size()) {
                throw new InvalidToyInputException("--row " + query + " is outside 0.." + (toks.size() - 1));
            }
            r = MatrixAttention.compute(ex, scaled, false);
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, optionsGiven, e);
        }
        common.print(spec, MatrixText.selfAttention(r, query), ToyJson.matrix("self-attention", r));
        if (common.drawFigures()) {
            common.heatmap(spec, "self_attention_weights.png", "Self-attention weights softmax(X·Xᵀ" + (scaled ? " ÷ √d" : "") + ")",
                    r.example().tokens(), r.weights(), false);
        }
        return ExitCodes.OK;
    }
}
