package attnscope.cli;

import attnscope.render.ToyCharts;
import attnscope.toy.Fmt;
import attnscope.toy.HandoutExample;
import attnscope.toy.HandoutText;
import attnscope.toy.InvalidToyInputException;
import attnscope.toy.Normalize;
import attnscope.toy.QueryAttention;
import attnscope.toy.QuerySearch;
import attnscope.toy.ToyInput;
import attnscope.toy.ToyJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The handout's options and run, shared by {@code toy} and {@code toy handout}: parse, call
 * {@link QueryAttention} / {@link QuerySearch}, print with {@link HandoutText}, draw.
 */
public final class HandoutRun {
    @Option(names = "--query", paramLabel = "X,Y", description = "The query vector (handout: 2,3).")
    String query;

    @Option(names = "--keys", paramLabel = "K0;K1;…", description = "One key per token, rows separated by ';' (handout: \"1,0;3,1;0,3;2,0\").")
    String keys;

    @Option(names = "--values", paramLabel = "V0;V1;…", description = "One value per token, rows separated by ';' (handout: \"0,0;4,1;2,2;0,0\").")
    String values;

    @Option(names = "--token-text", paramLabel = "T0,T1,…", description = "The tokens' text (handout: the,cat,chases,the).")
    String tokens;

    @Option(names = "--tokens", paramLabel = "T0,T1,…", hidden = true, description = "Deprecated spelling of --token-text.")
    String tokensDeprecated;

    @Option(names = "--query-position", paramLabel = "N", description = "Which token the query belongs to (default: the last).")
    Integer queryPosition;

    @Option(names = "--normalize", paramLabel = "sum|softmax|both", defaultValue = "both",
            description = "Divide by the sum, softmax, or both and compare (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--scaled", description = "Divide the scores by √d_k before normalising, as real models do.")
    boolean scaled;

    @Option(names = "--target", paramLabel = "TOKEN:W",
            description = "Search for a query that puts more than W of the weight on TOKEN (a token or a position), "
                    + "e.g. --target cat:0.9, and print the table that proves it. The search uses softmax "
                    + "(÷ sum with --normalize sum) and walks a grid of queries, shortest first.")
    String target;

    @Option(names = "--split", paramLabel = "A,B",
            description = "Search for a query that splits the weight about equally between A and B (tokens or positions), "
                    + "e.g. --split cat,chases.")
    String split;

    int run(CommandSpec spec, ToyOptions common) {
        tokens = Deprecations.pick(spec, tokens, "--token-text", tokensDeprecated, "--tokens",
                "--tokens is a number of tokens T in shapes, inspect, figures, lesson and bench");
        ToyInput in = common.load("handout");
        boolean optionsGiven = query != null || keys != null || values != null || tokens != null || queryPosition != null;
        List<Normalize> kinds = kinds(spec);
        HandoutExample ex;
        QueryAttention.Result result;
        QuerySearch.Found found = null;
        try {
            if (tokens != null) {
                in = in.with("tokens", tokens);
                if (queryPosition == null && in.has("query-position")) {
                    in = in.with("query-position", String.valueOf(ToyInput.tokens("--token-text", tokens).size() - 1));
                }
            }
            in = in.overriddenWith("query", query);
            in = in.overriddenWith("keys", keys);
            in = in.overriddenWith("values", values);
            if (queryPosition != null) {
                in = in.with("query-position", String.valueOf(queryPosition));
            }
            ex = HandoutExample.from(in);
            if (target != null && split != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --target or --split, not both");
            }
            // The search uses softmax unless only sum-normalisation was asked for.
            Normalize searchWith = kinds.size() == 1 ? kinds.get(0) : Normalize.SOFTMAX;
            if (target != null) {
                int colon = target.lastIndexOf(':');
                if (colon <= 0) {
                    throw new InvalidToyInputException("--target expects TOKEN:WEIGHT, e.g. cat:0.9, but found \"" + target + "\"");
                }
                double w = ToyInput.vector("--target weight", target.substring(colon + 1), false)[0];
                found = QuerySearch.target(ex, ex.position(target.substring(0, colon)), w, searchWith, scaled);
                optionsGiven = true;
            } else if (split != null) {
                List<String> two = ToyInput.tokens("--split", split);
                if (two.size() != 2) {
                    throw new InvalidToyInputException("--split expects two tokens or positions, e.g. cat,chases, but found \"" + split + "\"");
                }
                found = QuerySearch.split(ex, ex.position(two.get(0)), ex.position(two.get(1)), searchWith, scaled);
                optionsGiven = true;
            }
        } catch (InvalidToyInputException e) {
            throw common.invalid(spec, in, optionsGiven, e);
        }
        if (found != null && found.query() != null) {
            ex = ex.withQuery(found.query());
        }
        result = QueryAttention.compute(ex, scaled);

        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(ToyOptions.toJson(found != null ? ToyJson.search(found, result, kinds) : ToyJson.handout(result, kinds)));
        } else {
            out.print(found != null ? HandoutText.search(found, result, kinds) : HandoutText.render(result, kinds));
        }
        out.flush();
        if (common.drawFigures()) {
            draw(spec, common, result, kinds, found != null ? "search_" : "handout_");
        }
        return ExitCodes.OK;
    }

    private List<Normalize> kinds(CommandSpec spec) {
        List<Normalize> k = new ArrayList<>();
        switch (normalize.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "sum" -> k.add(Normalize.SUM);
            case "softmax" -> k.add(Normalize.SOFTMAX);
            case "both" -> {
                k.add(Normalize.SUM);
                k.add(Normalize.SOFTMAX);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--normalize expects sum, softmax or both but found \"" + normalize + "\"");
        }
        return k;
    }

    private static void draw(CommandSpec spec, ToyOptions common, QueryAttention.Result r, List<Normalize> kinds, String prefix) {
        PrintWriter err = spec.commandLine().getErr();
        HandoutExample ex = r.example();
        List<String> labels = new ArrayList<>();
        for (int j = 0; j < ex.length(); j++) {
            labels.add(j + " " + ex.tokens().get(j));
        }
        double[] sum = kinds.contains(Normalize.SUM) && r.sum().defined() ? r.sum().weights() : null;
        double[] soft = kinds.contains(Normalize.SOFTMAX) ? r.softmax().weights() : null;
        String title = "Weights of query \"" + ex.tokens().get(ex.queryPosition()) + "\" " + Fmt.vec(ex.query())
                + (r.scaled() ? " (scores ÷ √d_k)" : "");
        if (sum != null || soft != null) {
            for (Path p : common.formats.write(spec, ToyCharts.weightBars(title, labels, sum, soft), 800, 500,
                    common.figure(prefix + "weights.png"))) {
                err.println("wrote " + p);
            }
        }
        if (ex.query().length == 2 && ex.values()[0].length == 2) {
            QueryAttention.Normalized shown = soft != null ? r.softmax() : r.sum();
            double[] output = shown.defined() ? shown.output() : null;
            String outLabel = shown.kind() == Normalize.SOFTMAX ? "output (softmax)" : "output (÷ sum)";
            for (Path p : common.formats.write(spec, ToyCharts.vectors("Keys, values, the query and the output in 2-D",
                    ex.tokens(), ex.keys(), ex.values(), ex.query(), output, outLabel), 700, 700,
                    common.figure(prefix + "vectors.png"))) {
                err.println("wrote " + p);
            }
        } else {
            err.println("no vector plot: it needs 2-D keys, query and values (found d_k = " + ex.query().length
                    + ", d_v = " + ex.values()[0].length + ")");
        }
        err.flush();
    }
}
