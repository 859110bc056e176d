package dev.voxpipe.text;

/**
 * The one exception the text frontend throws on bad input (too long, unusable argument). Callers (workers) turn
 * it into a 4xx / dead letter with {@link #getMessage()} as the reason. Anything else escaping is a bug.
 */
public class TextFrontendException extends RuntimeException {
    public TextFrontendException(String message) {
        super(message);
    }
}
