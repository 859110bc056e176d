package dev.voxpipe.feature.label;

import java.util.List;

/** One label per clip of an upload, in clip order, and what the upload as a whole should say (or null). */
public record LabelResult(List<ClipLabel> clips, String uploadNote) {
    public static LabelResult allNone(int clips, String why) {
        return new LabelResult(java.util.Collections.nCopies(clips, ClipLabel.none(why)), why);
    }
}
