package attnscope.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Old option spellings, kept for one release after an option was renamed so that each name means
 * one thing across the tool (docs/CONTRACT.md, "One name, one meaning"). The old spelling still
 * works and costs a one-line notice on stderr; it is hidden from --help.
 */
final class Deprecations {
    private Deprecations() {
    }

    /**
     * The value to use: the new option's when given, else the old one's (with a notice).
     *
     * @param why what the old name means elsewhere, for the notice
     */
    static <T> T pick(CommandSpec spec, T newValue, String newName, T oldValue, String oldName, String why) {
        if (oldValue == null) {
            return newValue;
        }
        notice(spec, oldName, newName, why);
        return newValue != null ? newValue : oldValue;
    }

    /** The one-line notice for an old spelling that was used. */
    static void notice(CommandSpec spec, String oldName, String newName, String why) {
        PrintWriter err = spec.commandLine().getErr();
        // "attnscope: shapes --layers …", not "attnscope: attnscope shapes --layers …".
        String command = spec.qualifiedName().replaceFirst("^attnscope ", "");
        err.println("attnscope: " + command + " " + oldName + " is deprecated and will be removed in the next release: use "
                + newName + " (" + why + ")");
        err.flush();
    }
}
