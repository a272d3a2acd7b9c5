package attnscope.cli;

import attnscope.toy.CausalExample;
import attnscope.toy.CausalMasking;
import attnscope.toy.CausalText;
import attnscope.toy.InvalidToyInputException;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope toy causal}: the causal mask on a given matrix of scores. */
@Command(name = "causal",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The causal mask on a matrix of scores: −∞ above the diagonal, then softmax per row.",
            "",
            "Shows the scores before and after the mask and the weights (the upper triangle exactly 0, every row summing to 1). A row that is masked entirely has no softmax, and the tool says so. With --slide-weights (or slide-weights in the file) it checks a slide's printed post-softmax numbers: each row must sum to 1 and match softmax; wrong numbers are shown next to the correct ones, and the exit code is 3.",
            "",
            "  attnscope toy causal",
            "  attnscope toy examples causal-slide > slide.txt",
            "  attnscope toy causal --input slide.txt",
            "  attnscope toy causal --token-text a,b --scores \"1,2;3,4\" \\",
            "      --slide-weights \"1,0;0.2,0.8\"",
            ""
        })
public final class ToyCausalCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--token-text", paramLabel = "T0,T1,…", description = "The tokens' text.")
    String tokens;

    @Option(names = "--tokens", paramLabel = "T0,T1,…", hidden = true, description = "Deprecated spelling of --token-text.")
    String tokensDeprecated;

    @Option(names = "--scores", paramLabel = "ROW;ROW;…", description = "The T × T pre-softmax scores, rows separated by ';' (-inf allowed).")
    String scores;

    @Option(names = "--slide-weights", paramLabel = "ROW;ROW;…", description = "A slide's post-softmax numbers to check.")
    String slideWeights;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        tokens = Deprecations.pick(spec, tokens, "--token-text", tokensDeprecated, "--tokens",
                "--tokens is a number of tokens T in shapes, inspect, figures, lesson and bench");
        ToyInput in = common.load("causal");
        boolean optionsGiven = tokens != null || scores != null || slideWeights != null;
        CausalMasking.Result r;
        try {
            in = in.overriddenWith("tokens", tokens);
            in = in.overriddenWith("scores", scores);
            in = in.overriddenWith("slide-weights", slideWeights);
            r = CausalMasking.compute(CausalExample.from(in));
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, optionsGiven, e);
        }
        common.print(spec, CausalText.render(r), ToyJson.causal(r));
        if (common.drawFigures()) {
            common.heatmap(spec, "causal_weights.png", "softmax(scores + causal mask)", r.example().tokens(), r.weights(), true);
        }
        return r.slideCorrect() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }
}
