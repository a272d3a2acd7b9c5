package attnscope.cli;

import attnscope.InputException;
import attnscope.toy.InvalidToyInputException;
import attnscope.toy.ToyInput;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every toy example shares: where the input comes from, JSON, and where figures go. */
public final class ToyOptions {
    @Option(names = "--input", paramLabel = "FILE",
            description = "Read the example from FILE (the format of the built-in examples: `name = value` lines; "
                    + "print one with `attnscope toy examples NAME`). Options given as well override the file's fields.")
    Path input;

    @Option(names = "--json", description = "Print every number as JSON instead of the tables (JSON only: no figures).")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/toy",
            description = "Folder for the PNG figures (default: ${DEFAULT-VALUE}).")
    Path figures;

    @Option(names = "--figures", paramLabel = "DIR", hidden = true, description = "Deprecated spelling of --out.")
    Path figuresDeprecated;

    @Option(names = "--no-figures", description = "Do not draw figures.")
    boolean noFigures;

    @picocli.CommandLine.Mixin
    FormatOption formats;

    /** The file given with --input, or the built-in example. */
    ToyInput load(String builtIn) {
        if (input == null) {
            return ToyInput.builtIn(builtIn);
        }
        if (!Files.exists(input)) {
            throw new InputException("no such example file: " + input);
        }
        if (!Files.isRegularFile(input)) {
            throw new InputException(input + " is " + (Files.isDirectory(input) ? "a folder" : "not a regular file (a device or a pipe)")
                    + ", not an example file: `attnscope toy examples NAME > my.txt` writes one to edit");
        }
        try {
            ToyInput in = ToyInput.parse(input.toString(), Files.readString(input, StandardCharsets.UTF_8));
            String kind = in.text("kind", builtIn);
            // causal-slide is a causal example; every other built-in name is its kind.
            String expected = builtIn.startsWith("causal") ? "causal" : builtIn;
            java.util.List<String> kinds = ToyInput.BUILT_IN.stream().filter(k -> !k.equals("causal-slide")).toList();
            if (!kinds.contains(kind)) {
                throw new InputException(input + ": kind = " + kind + " is not a kind of example; expected one of "
                        + String.join(", ", kinds) + " (`attnscope toy examples` lists them)");
            }
            if (!kind.equals(expected)) {
                throw new InputException(input + " is a \"" + kind + "\" example (kind = " + kind + "): run `attnscope toy "
                        + (kind.equals("handout") ? "" : kind + " ") + "--input " + input + "`");
            }
            return in;
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(input + " is not UTF-8 text");
        } catch (IOException e) {
            throw new InputException("cannot read " + input + ": " + e.getMessage());
        } catch (InvalidToyInputException e) {
            throw new InputException(e.getMessage());
        }
    }

    /**
     * A toy input that does not add up becomes a usage error when options were involved (exit 2)
     * and an input error when it came only from a file (exit 4).
     */
    RuntimeException invalid(CommandSpec spec, ToyInput in, boolean optionsGiven, InvalidToyInputException e) {
        String msg = e.getMessage();
        if (!optionsGiven && input != null) {
            return new InputException(msg.startsWith(in.source()) ? msg : in.source() + ": " + msg);
        }
        return new CommandLine.ParameterException(spec.commandLine(), msg);
    }

    /** The command these options belong to, for the options it was run with. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Options that only say where or how output goes: they never change a figure, so they never name one. */
    private static final java.util.Set<String> OUTPUT_ONLY = java.util.Set.of("--figures", "--out", "--format", "--no-figures", "--json", "--verbose", "-v", "--quiet", "-q");

    /** Deprecated option names of the toy commands → the names that replaced them. */
    private static final java.util.Map<String, String> RENAMED = java.util.Map.of("--tokens", "--token-text");

    /** Figures are drawn unless --no-figures, or --json (which writes JSON and nothing else). */
    boolean drawFigures() {
        formats.formats(mixee); // a bad --format is a usage error even with --no-figures
        return !noFigures && !json;
    }

    /**
     * {@code DIR/name}, the options that produced the figure added to its name ("handout_weights.png"
     * with --query 1,0 --scaled is "handout_weights-query=1,0-scaled.png"): a run never overwrites the
     * figure of a run with other options, and the file says what it shows.
     */
    Path figure(String name) {
        resolveDeprecated();
        return figures.resolve(named(name, optionsOfThisRun()));
    }

    /** "name.png" with "-option=value" for each option given, in option-name order; long ones end in a hash. */
    static String named(String name, java.util.SortedMap<String, String> options) {
        StringBuilder suffix = new StringBuilder();
        for (var e : options.entrySet()) {
            suffix.append('-').append(e.getKey().replaceFirst("^-+", ""));
            if (e.getValue() != null) {
                suffix.append('=').append(e.getValue());
            }
        }
        // Letters, digits and , . = + - only: safe in a file name on every system and in a URL.
        String safe = suffix.toString().replaceAll("[^A-Za-z0-9,.=+\\-]", "_");
        if (safe.length() > 80) {
            safe = safe.substring(0, 60) + "-" + String.format("%08x", suffix.toString().hashCode());
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name + safe : name.substring(0, dot) + safe + name.substring(dot);
    }

    /** Option name → its value as typed (null for a flag), for the options given on this command line. */
    private java.util.SortedMap<String, String> optionsOfThisRun() {
        java.util.SortedMap<String, String> given = new java.util.TreeMap<>();
        if (mixee == null || mixee.commandLine() == null || mixee.commandLine().getParseResult() == null) {
            return given;
        }
        for (CommandLine.Model.OptionSpec o : mixee.commandLine().getParseResult().matchedOptions()) {
            if (OUTPUT_ONLY.contains(o.longestName()) || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            java.util.List<String> typed = o.stringValues();
            // A deprecated spelling names the figure as the new one would: the same request, the same file.
            given.put(RENAMED.getOrDefault(o.longestName(), o.longestName()), o.arity().max() == 0 || typed.isEmpty() ? null : String.join(",", typed));
        }
        return given;
    }

    /** Applies a deprecated spelling that was used, with its notice (once). */
    private void resolveDeprecated() {
        if (figuresDeprecated != null) {
            Deprecations.notice(mixee, "--figures DIR", "--out DIR", "every command writes into --out");
            figures = figuresDeprecated;
            figuresDeprecated = null;
        }
    }

    /**
     * Draws a (T, T) weights matrix with the project's heatmap renderer, the same renderer and
     * colour scale as the real model's head heatmaps, and names the file on stderr.
     *
     * @param weights (T, T); a null row (no softmax) is drawn masked
     * @param causal  cells above the diagonal are drawn as masked
     */
    void heatmap(CommandSpec spec, String file, String title, java.util.List<String> tokens, double[][] weights, boolean causal) {
        int t = tokens.size();
        float[] values = new float[t * t];
        boolean[] masked = new boolean[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                masked[i * t + j] = weights[i] == null || (causal && j > i);
                values[i * t + j] = weights[i] == null ? 0f : (float) weights[i][j];
            }
        }
        for (Path written : attnscope.render.Heatmap.write(values, t, t, tokens, tokens, title, masked, figure(file),
                formats.figureOptions(spec))) {
            spec.commandLine().getErr().println("wrote " + written);
        }
        spec.commandLine().getErr().flush();
    }

    /** Prints text or JSON on stdout. */
    void print(CommandSpec spec, String text, Map<String, Object> json) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (this.json) {
            out.println(toJson(json));
        } else {
            out.print(text);
        }
        out.flush();
    }

    static String toJson(Map<String, Object> tree) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
