package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code attnscope toy handout}: the same as {@code attnscope toy}, named. */
@Command(name = "handout",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The handout \"the cat chases the\": one query, every number written out (the same as `attnscope toy`).",
            "",
            "  attnscope toy handout --query 3,0 --normalize softmax",
            "  attnscope toy handout --input my-handout.txt --json",
            ""
        })
public final class ToyHandoutCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Mixin
    HandoutRun handout;

    @Mixin
    ToyOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return handout.run(spec, common);
    }
}
