package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download a model (not implemented yet).")
public final class FetchCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("fetch is not implemented yet");
    }
}
