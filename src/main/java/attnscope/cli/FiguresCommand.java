package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "figures", mixinStandardHelpOptions = true, description = "Draw attention heatmaps (not implemented yet).")
public final class FiguresCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("figures is not implemented yet");
    }
}
