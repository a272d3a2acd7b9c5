package attnscope.cli;

import attnscope.render.ToyCharts;
import attnscope.toy.InvalidToyInputException;
import attnscope.toy.HeadsText;
import attnscope.toy.MultiHeadExample;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope toy heads}: several heads on the toy, outputs concatenated. */
@Command(name = "heads",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Several heads on the toy, each with its own query, keys and values; outputs concatenated.",
            "",
            "Each head computes its own softmax weights and output; the outputs are concatenated [z_1 | z_2 | …], the input of the output projection. Qwen2.5-0.5B does this with 14 heads of 64 numbers (14 × 64 = 896).",
            "",
            "Built-in example: head 1 is the handout, head 2 a made-up head that looks elsewhere. Files number heads from 1: head.1.query, head.1.keys, head.1.values, head.2.…",
            "",
            "  attnscope toy heads",
            "  attnscope toy heads --scaled --input my-heads.txt",
            ""
        })
public final class ToyHeadsCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--scaled", description = "Divide the scores by √d_k.")
    boolean scaled;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ToyInput in = common.load("heads");
        MultiHeadExample.Result r;
        try {
            r = MultiHeadExample.from(in).compute(scaled);
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, false, e);
        }
        common.print(spec, HeadsText.render(r), ToyJson.heads(r));
        if (common.drawFigures()) {
            List<String> tokens = r.heads().get(0).example().tokens();
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < tokens.size(); j++) {
                labels.add(j + " " + tokens.get(j));
            }
            Map<String, double[]> series = new LinkedHashMap<>();
            for (int h = 0; h < r.heads().size(); h++) {
                series.put("head " + (h + 1), r.heads().get(h).softmax().weights());
            }
            spec.commandLine().getErr().println("wrote " + ToyCharts.writePng(
                    ToyCharts.weightBars("Softmax weights per head", labels, series), 800, 500, common.figure("heads_weights.png")));
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }
}
