package dev.voxpipe.corpus;

import java.util.List;

/** The corpus speakers, in a fixed order (the order decides each speaker's slice of the sentence list). */
public final class VoiceCatalogue {
    private VoiceCatalogue() {
    }

    public static List<TtsVoice> all() {
        return List.of(
                new FliteVoice("slt", "slt", "female"),
                new FliteVoice("awb", "awb", "male"),
                new FliteVoice("rms", "rms", "male"),
                new FliteVoice("kal16", "kal", "male"),
                new FestivalVoice("kal_diphone", "kal", "male", "festvox-kallpc16k"),
                new FestivalVoice("ked_diphone", "ked", "male", "festvox-kdlpc16k"),
                new FestivalVoice("cmu_us_slt_arctic_hts", "slt", "female", "festvox-us-slt-hts"),
                new EspeakVoice("en-us", "male", "espeak_m1", "male"),
                new EspeakVoice("en-us+f3", "female", "espeak_f3", "female"),
                new MaryTtsVoice());
    }
}
