package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Placeholder until this command is implemented. */
@Command(name = "synth", mixinStandardHelpOptions = true, description = "Write a synthetic Qwen2-architecture model (not implemented yet).")
public final class SynthCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("synth is not implemented yet");
    }
}
