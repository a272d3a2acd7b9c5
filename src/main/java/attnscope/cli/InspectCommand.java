package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Inspect a model's attention (not implemented yet).")
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("inspect is not implemented yet");
    }
}
