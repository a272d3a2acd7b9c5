package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "toy", mixinStandardHelpOptions = true, description = "Reproduce the classroom handout (not implemented yet).")
public final class ToyCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("toy is not implemented yet");
    }
}
