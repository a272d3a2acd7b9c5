package attnscope.cli;

import attnscope.toy.ToyInput;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attnscope toy examples [NAME]}: lists the shipped example files, or prints one to edit. */
@Command(name = "examples",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the example files shipped with attnscope, or prints one, to copy and edit.",
            "",
            "Each file documents the format in its comments: one `name = value` per line, vectors as numbers separated by spaces or commas, matrices as rows separated by ';'.",
            "",
            "  attnscope toy examples",
            "  attnscope toy examples handout > my-handout.txt",
            "  attnscope toy --input my-handout.txt",
            ""
        })
public final class ToyExamplesCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The example to print.")
    String name;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (name == null) {
            for (String n : ToyInput.BUILT_IN) {
                String kind = ToyInput.builtIn(n).text("kind");
                out.println(String.format(java.util.Locale.ROOT, "%-16s attnscope toy %s--input FILE", n,
                        kind.equals("handout") ? "" : kind + " "));
            }
            out.flush();
            return ExitCodes.OK;
        }
        String text = ToyInput.BUILT_IN.contains(name) ? ToyInput.builtInText(name) : null;
        if (text == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no example \"" + name + "\"; the examples are "
                    + String.join(", ", ToyInput.BUILT_IN));
        }
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }
}
