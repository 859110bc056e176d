package dev.voxpipe.synth.voice;

import dev.voxpipe.core.blob.BlobStore;
import dev.voxpipe.dsp.Loudness;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.model.VoiceDelta;
import dev.voxpipe.model.VoiceModelRuntime;
import dev.voxpipe.schemas.common.ReferenceClip;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot voices: a reference clip becomes a voice through the speaker encoder alone
 * ({@link VoiceModelRuntime#zeroShot}), on the same features the feature worker gives training:
 * 32 kHz, loudness-normalised to -14 LUFS, the default log-mel. Keyed by the clip's SHA-256, so
 * every chunk (and request) with the same clip reuses one embedding; the last {@link #CAPACITY} are kept.
 */
public final class ReferenceVoices {

    static final int CAPACITY = 64;

    private final BlobStore blobs;
    private final VoiceModelRuntime runtime;
    private final MelSpectrogram mel = new MelSpectrogram(MelConfig.defaults());
    private final Map<String, VoiceDelta> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, VoiceDelta> eldest) {
            return size() > CAPACITY;
        }
    };

    public ReferenceVoices(BlobStore blobs, VoiceModelRuntime runtime) {
        this.blobs = blobs;
        this.runtime = runtime;
    }

    public synchronized VoiceDelta get(ReferenceClip clip) throws Exception {
        String key = clip.getAudio().getSha256();
        VoiceDelta voice = cache.get(key);
        if (voice != null) return voice;
        PcmAudio audio;
        try (InputStream in = blobs.open(clip.getAudio().getKey())) {
            audio = WavIo.read(in);
        }
        int rate = mel.config().sampleRate();
        float[] samples = audio.sampleRate() == rate ? audio.samples() : audio.resampled(rate).samples();
        float[] normalized = Loudness.normalize(samples, rate).samples();
        voice = runtime.zeroShot(List.<float[][]>of(mel.logMel(normalized)));
        cache.put(key, voice);
        return voice;
    }
}
