package attnscope.cli;

import attnscope.render.FigureOptions;
import attnscope.render.Projector;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Projector mode for figures ({@link Projector}): {@code --aspect} and {@code --window}. */
public final class ProjectorOptions {
    @Option(names = "--aspect", paramLabel = "16:9|4:3",
            description = {"Projector mode: landscape figures of 1920×1080 (16:9) or 1440×1080 (4:3), every text",
                "≥ 24 px at 1080 px high, token labels decimated where they would be smaller."})
    String aspect;

    @Option(names = "--window", paramLabel = "Q0:Q1[,K0:K1]",
            description = {"Projector mode: draw queries Q0..Q1−1 over keys K0..K1−1 (default keys 0..Q1−1),",
                "half-open like a Python slice, e.g. 40:60 or 40:60,30:60 (implies --aspect 16:9 if not given)."})
    String window;

    /** The options with projector mode when asked for; a bad value is a usage error (exit 2). */
    FigureOptions apply(FigureOptions options, CommandSpec spec) {
        if (aspect == null && window == null) {
            return options;
        }
        try {
            Projector p = Projector.ofAspect(aspect == null ? "16:9" : aspect);
            return options.withProjector(window == null ? p : p.withWindow(Projector.Window.parse(window)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Checks the window against the text's T tokens before the model runs (a usage error). */
    void check(FigureOptions options, int tokens, CommandSpec spec) {
        Projector p = options.projector();
        if (p != null && p.window() != null) {
            try {
                p.window().clip(tokens);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
