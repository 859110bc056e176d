package dev.voxpipe.feature.label;

import java.util.Locale;

/** Where a clip's text came from. Stored lower-case in {@code SlicedClip.labelSource}. */
public enum LabelSource {
    /** The uploader's transcript, the whole of it or a span cut at punctuation. */
    GIVEN,
    /** A span of the uploader's transcript placed on the clip by forced alignment. */
    ALIGNED,
    /** Provisional text from speech recognition (no transcript was uploaded). */
    RECOGNISED,
    /** Written or confirmed by a person through the API. */
    EDITED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
