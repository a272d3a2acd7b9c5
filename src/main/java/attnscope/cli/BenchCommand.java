package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark (not implemented yet).")
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("bench is not implemented yet");
    }
}
