package dev.voxpipe.model;

import java.util.List;

/**
 * @param audio          one mono float array per sentence, at {@link VoiceModelRuntime#sampleRate()}
 * @param realTimeFactor wall time of the call divided by the duration of the audio produced
 */
public record SynthesisOutput(List<float[]> audio, double realTimeFactor) {
}
