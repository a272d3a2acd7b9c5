package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder while being written. */
@Command(name = "matrix", mixinStandardHelpOptions = true, description = "(being written)")
public final class ToyMatrixCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("not yet");
    }
}
