package attnscope.cli;

/** The exit codes of CONTRACT.md; scripts depend on them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** An internal error: a bug in attnscope. */
    public static final int INTERNAL = 1;
    /** The command line was wrong. */
    public static final int USAGE = 2;
    /** A verification check failed. */
    public static final int CHECK_FAILED = 3;
    /** A problem with the input: model, tokenizer, file, network, memory guard. */
    public static final int INPUT = 4;

    private ExitCodes() {
    }
}
