package dev.voxpipe.feature.dsp;

import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.dsp.slice.QualityConfig;
import dev.voxpipe.dsp.slice.SlicerConfig;

/** Everything the DSP chain needs, independent of Kafka. */
public record PreprocessSettings(int sampleRate, double targetLufs, double maxTruePeakDbtp, DecodeLimits limits,
                                 SlicerConfig slicer, QualityConfig quality, double transcriptToleranceSeconds,
                                 MelConfig mel, PitchTracker pitch) {
    public static PreprocessSettings defaults() {
        return new PreprocessSettings(32000, -14, -1, DecodeLimits.defaults(), SlicerConfig.defaults(), QualityConfig.defaults(),
                1.0, MelConfig.defaults(), PitchTracker.defaults());
    }
}
