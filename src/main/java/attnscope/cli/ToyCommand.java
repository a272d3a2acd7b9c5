package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code attnscope toy}: the course's worked examples, small enough to check by hand. Without a
 * subcommand it reproduces the handout ("the cat chases the"); the subcommands cover the other
 * examples. Every number printed is computed, from a built-in example file or from options.
 */
@Command(name = "toy",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The course's worked examples of attention, every number computed and written out.",
            "",
            "Without a subcommand: the handout \"the cat chases the\". One query (the last \"the\", [2, 3]) scores each token by a dot product with its key (2*1 + 3*0 = 2); the scores become weights (score ÷ sum, then softmax); the output is the weighted sum of the values.",
            "",
            "Examples:",
            "  attnscope toy                          the handout, ÷ sum and softmax",
            "  attnscope toy --query 1,0              what if the query pointed elsewhere?",
            "  attnscope toy --query 1,-1             ÷ sum refuses negative scores",
            "  attnscope toy --scaled                 scores ÷ √d_k, as in real models",
            "  attnscope toy --target cat:0.9         find a query giving \"cat\" > 0.9",
            "  attnscope toy --split cat,chases       ... or splitting cat and chases",
            "  attnscope toy self-attention           X as queries, keys and values",
            "  attnscope toy matrix                   all queries at once, heatmaps",
            "  attnscope toy causal                   the causal mask, row-wise softmax",
            "  attnscope toy heads                    two heads, outputs concatenated",
            "  attnscope toy explain 3 1              what weights[3, 1] means",
            "",
            "Figures go to reports/toy/ (--out DIR, --no-figures). Positions count from 0. The example files: `attnscope toy examples` (print one, edit it, run it with --input FILE).",
            ""
        },
        subcommands = {
            ToyHandoutCommand.class,
            ToySelfAttentionCommand.class,
            ToyMatrixCommand.class,
            ToyCausalCommand.class,
            ToyHeadsCommand.class,
            ToyExplainCommand.class,
            ToyExamplesCommand.class
        })
public final class ToyCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Mixin
    HandoutRun handout;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return handout.run(spec, common);
    }
}
