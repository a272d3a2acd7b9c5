package attnscope.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code attnscope completion}: the bash/zsh completion script, made by picocli from the commands themselves. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a bash/zsh completion script for attnscope.",
        description = {
            "Print a bash/zsh completion script for attnscope's commands and options, generated from",
            "the command line itself (so it is never out of date).",
            "",
            "Examples:",
            "  source <(attnscope completion)                  this shell only",
            "  attnscope completion > ~/.local/share/bash-completion/completions/attnscope",
            "                                                  every new bash",
            ""
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("attnscope", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
