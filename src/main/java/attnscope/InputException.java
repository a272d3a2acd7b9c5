package attnscope;

/**
 * A problem with what the user gave the tool (a missing or invalid model, tokenizer or file,
 * an unreachable network, a request too large for the memory guard). The CLI prints its
 * message as one line and exits with code 4; the message says what is wrong and what to do.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
