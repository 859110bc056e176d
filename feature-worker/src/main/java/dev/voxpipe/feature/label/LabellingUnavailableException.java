package dev.voxpipe.feature.label;

/**
 * The recogniser cannot run here (pocketsphinx or its en-us model is not installed, or it failed). A content fault
 * of the upload's labelling, never a transient one: the upload is processed without text and says why.
 */
public final class LabellingUnavailableException extends Exception {
    public LabellingUnavailableException(String message) {
        super(message);
    }

    public LabellingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
