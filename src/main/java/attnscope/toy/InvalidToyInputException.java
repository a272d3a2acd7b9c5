package attnscope.toy;

/**
 * Toy input that cannot be used: a malformed vector, a non-number, lengths that do not match.
 * The message is one line that says what was expected and what was found; the command turns
 * it into a usage error (bad option) or an input error (bad file, with its line number).
 */
public final class InvalidToyInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidToyInputException(String message) {
        super(message);
    }
}
