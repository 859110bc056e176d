package dev.voxpipe.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.voxpipe.dsp.MelSpectrogram;

import java.util.Random;

/**
 * A harmonic-plus-noise vocoder: voiced frames are rendered as sinusoids at whole multiples of a given F0 up to
 * a maximum voiced frequency; everything else (unvoiced frames, the band above the maximum voiced frequency, and a
 * small aperiodic share of voiced frames) is noise. Unlike Griffin-Lim it is told the pitch, so it cannot lose
 * voicing or blur harmonics.
 *
 * <p>Harmonic amplitudes and the noise's shape come from the spectral envelope the log-mel gives (the same NNLS
 * magnitude Griffin-Lim starts from). How a voiced frame's power splits between harmonics and noise in each band comes
 * from the learned {@link AperiodicityModel} (trained on real speech), so upper bands are as breathy as a voice's.
 * Optionally ({@link Settings#refineIterations()}) a few Griffin-Lim iterations then
 * start from the rendering's phase, which is coherent from frame to frame, and impose the target magnitude: that
 * brings the envelope closer to the mel without Griffin-Lim's random start, which is what loses voicing.
 *
 * <p>Frames are {@link Spectral#HOP} apart at {@link Spectral#SAMPLE_RATE}, F0 0 means unvoiced. Deterministic
 * for a given seed.
 */
public final class HarmonicVocoder {
    /**
     * @param maxVoicedHz       harmonics stop here; above it voiced frames get noise (speech is mostly aperiodic above
     *                          4-6 kHz)
     * @param voicedNoiseShare  share of a voiced frame's power below {@code maxVoicedHz} that is noise (aperiodicity):
     *                          real voices are never perfectly periodic; without an aperiodicity feature, one constant
     * @param refineIterations  Griffin-Lim iterations from the rendering's phase that impose the target magnitude
     *                          above {@code refineFromHz} (-1: none, the rendering as it is, the default since the
     *                          learned aperiodicity; 0: the magnitude imposed once, one inverse STFT, the default
     *                          before it: with envelope matching it no longer changed MCD or WER on validation)
     * @param refineFromHz      below this the rendering keeps its own magnitude (the harmonics that carry pitch and
     *                          voicing); above it the mel's magnitude is imposed (the formant detail a smeared mel
     *                          still has, and its noise). 0: the whole band
     * @param voicingLead       frames by which each voiced stretch starts early. Rendered from its first voiced frame
     *                          on, an onset frame's analysis window is half fade-in and reads as aperiodic: copy
     *                          synthesis lost 5-8 points of voiced frames, almost all at onsets, and one frame of
     *                          lead wins them back (validation split)
     * @param matchIterations   passes that scale the output's spectrum, band by mel band, towards the target mel
     *                          while keeping its phase and its shape within each band ({@link #matchEnvelope}): the
     *                          envelope comes closer to the mel without replacing the harmonics by the mel's smooth
     *                          magnitude (0: none). Default 3, chosen on the validation split: copy synthesis
     *                          1.33 -> 1.01 dB MCD (Allison), 1.17 -> 0.78 (flite_rms), 1.58 -> 1.09 (Carlo) at the
     *                          same voicing; the v2 model's few-shot output 2.75 -> 2.67 dB (Allison), 1.87 -> 1.72
     * @param learnedAperiodicity each band of a voiced frame is split between harmonics and noise by the
     *                          {@link AperiodicityModel}'s periodicity (in place of {@code voicedNoiseShare}) when that
     *                          model is on the classpath
     * @param unvoicedFromMel   unvoiced frames take the mel's magnitude over the whole band, on the phase of their
     *                          rendered noise (one inverse STFT; with {@code refineIterations} > 0, that many
     *                          Griffin-Lim iterations): noise of random phase per frame comes out of the overlap-add
     *                          smoother than the mel says, and that was where copy synthesis lost its MCD to
     *                          Griffin-Lim (per-frame distance in unvoiced frames 13.3 against 11.7, voiced 9.5 against
     *                          9.4; validation split)
     * @param unvoicedIterations with {@code unvoicedFromMel} (and no {@code refineIterations}): Griffin-Lim iterations
     *                          on the unvoiced frames more than one frame from a voiced one, every other frame keeping
     *                          its phase ({@link Spectral#griffinLimFrames}), so their noise comes out of the
     *                          overlap-add with the mel's magnitude while the harmonics and the pitch stay as rendered
     *                          (0: one inverse STFT, the default). Validation split, seventh session of 2026-11-29,
     *                          8 iterations: copy synthesis 0.99 | 0.77 | 1.05 -> 0.96 | 0.73 | 1.01 dB (Allison |
     *                          flite_rms | Carlo), F0 and voicing unchanged, but the open-WER ratios rose in three
     *                          comparisons of four (copy synthesis 0.98 -> 1.13x for flite_rms, few-shot 0.98 -> 1.09x and
     *                          1.40 -> 1.47x) and the few-shot MCD did not move; and where a mel has harmonics but is
     *                          called unvoiced, the iterations give them back their periodicity (a buzz's mel rendered
     *                          unvoiced: 95 % voiced after 8, 33 % after 1). So it stays a setting
     *                          ({@code voxpipe.hnm.unvoicedIterations}); iterating every frame instead cost the male
     *                          voice's pitch (11 -> 19 cents)
     * @param pauseFloorShare   a frame with at least this share of its mel bands at the log-mel's floor is a pause: its
     *                          floor bands are rendered 30 dB down. 0.9 since the seventh session of 2026-11-29 (it was
     *                          every band, 1.0): a recording's pauses keep a little hum in the lowest two or three bands,
     *                          and those frames used to be rendered at the floor's haze, about -63 dBFS
     */
    public record Settings(double maxVoicedHz, double voicedNoiseShare, int refineIterations, double refineFromHz,
                           int voicingLead, int matchIterations, boolean learnedAperiodicity, boolean unvoicedFromMel,
                           int unvoicedIterations, double pauseFloorShare) {
        public Settings {
            if (!(maxVoicedHz > 500 && maxVoicedHz <= Spectral.SAMPLE_RATE / 2.0)) throw new IllegalArgumentException("maxVoicedHz " + maxVoicedHz);
            if (!(voicedNoiseShare >= 0 && voicedNoiseShare < 1)) throw new IllegalArgumentException("voicedNoiseShare " + voicedNoiseShare);
            if (refineIterations < -1 || voicingLead < 0 || refineFromHz < 0 || matchIterations < 0 || unvoicedIterations < 0) {
                throw new IllegalArgumentException("negative iterations, cut or lead");
            }
            if (!(pauseFloorShare > 0 && pauseFloorShare <= 1)) throw new IllegalArgumentException("pauseFloorShare " + pauseFloorShare);
        }

        public Settings(double maxVoicedHz, double voicedNoiseShare, int refineIterations, double refineFromHz, int voicingLead,
                        int matchIterations, boolean learnedAperiodicity, boolean unvoicedFromMel) {
            this(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, matchIterations, learnedAperiodicity,
                    unvoicedFromMel, 0, 1.0);
        }

        public Settings withMatchIterations(int passes) {
            return new Settings(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, passes,
                    learnedAperiodicity, unvoicedFromMel, unvoicedIterations, pauseFloorShare);
        }

        public Settings withLearnedAperiodicity(boolean learned) {
            return new Settings(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, matchIterations,
                    learned, unvoicedFromMel, unvoicedIterations, pauseFloorShare);
        }

        public Settings withUnvoicedFromMel(boolean fromMel, int iterations) {
            return new Settings(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, matchIterations,
                    learnedAperiodicity, fromMel, iterations, pauseFloorShare);
        }

        public Settings withPauseFloorShare(double share) {
            return new Settings(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, matchIterations,
                    learnedAperiodicity, unvoicedFromMel, unvoicedIterations, share);
        }

        public Settings(double maxVoicedHz, double voicedNoiseShare, int refineIterations, double refineFromHz, int voicingLead) {
            this(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, 0);
        }

        public Settings(double maxVoicedHz, double voicedNoiseShare, int refineIterations, double refineFromHz, int voicingLead,
                        int matchIterations) {
            this(maxVoicedHz, voicedNoiseShare, refineIterations, refineFromHz, voicingLead, matchIterations, false, false);
        }

        /** The defaults, each overridable by a system property {@code voxpipe.hnm.*} (for validation sweeps). */
        public static Settings defaults() {
            return new Settings(Double.parseDouble(System.getProperty("voxpipe.hnm.maxVoicedHz", "5000")),
                    Double.parseDouble(System.getProperty("voxpipe.hnm.voicedNoise", "0")),
                    Integer.getInteger("voxpipe.hnm.refine", -1),
                    Double.parseDouble(System.getProperty("voxpipe.hnm.refineFromHz", "1500")),
                    Integer.getInteger("voxpipe.hnm.lead", 1),
                    Integer.getInteger("voxpipe.hnm.match", 3),
                    Boolean.parseBoolean(System.getProperty("voxpipe.hnm.aperiodicity", "true")),
                    Boolean.parseBoolean(System.getProperty("voxpipe.hnm.unvoicedFromMel", "true")),
                    Integer.getInteger("voxpipe.hnm.unvoicedIterations", 0),
                    Double.parseDouble(System.getProperty("voxpipe.hnm.pauseFloorShare", "0.9")));
        }
    }

    /** Sum of the squared analysis window: converts STFT power of a sinusoid to its amplitude. */
    private static final double WINDOW_POWER;

    static {
        double s = 0;
        for (double w : Spectral.window()) s += w * w;
        WINDOW_POWER = s;
    }

    private HarmonicVocoder() {
    }

    /**
     * @param logMel [frames][MELS] log-mel (the feature stage's)
     * @param f0Hz   per frame; 0 for unvoiced. Must have as many frames as {@code logMel} (extra values ignored)
     * @return audio at {@link Spectral#SAMPLE_RATE}, {@code (frames - 1) * HOP} samples
     */
    public static float[] synthesize(NDManager parent, float[][] logMel, float[] f0Hz, long seed) {
        return synthesize(parent, logMel, f0Hz, seed, Settings.defaults());
    }

    /** As {@link #synthesize(NDManager, float[][], float[], long)} with explicit settings. */
    public static float[] synthesize(NDManager parent, float[][] logMel, float[] f0Hz, long seed, Settings settings) {
        int frames = logMel.length;
        if (frames == 0) return new float[0];
        if (f0Hz.length < frames) throw new IllegalArgumentException(f0Hz.length + " F0 values for " + frames + " frames");
        int samples = (frames - 1) * Spectral.HOP;
        if (samples == 0) return new float[0];
        try (NDManager m = parent.newSubManager()) {
            float[][] quietMel = quietPauses(logMel, settings.pauseFloorShare());
            float[][] power = Spectral.toMatrix(Spectral.melToPower(m, Spectral.powerMel(m, quietMel)));
            f0Hz = widenVoicing(java.util.Arrays.copyOf(f0Hz, frames), settings.voicingLead());
            float[] presence = harmonicPresence(f0Hz, samples);
            float[][] periodicity = settings.learnedAperiodicity() && AperiodicityModel.available()
                    ? AperiodicityModel.loadDefault().periodicity(m, logMel, f0Hz) : null;
            float[] signal = harmonics(power, f0Hz, presence, settings, periodicity);
            // unvoiced frames' noise below the maximum voiced frequency is gated off where harmonics sound: the
            // inverse STFT would otherwise spread it 20 ms into the neighbouring voiced frame and mask its periodicity
            NDArray[] noiseParts = noiseSpectra(m, power, f0Hz, seed, settings, periodicity);
            float[] gated = Spectral.istft(noiseParts[0], samples);
            float[] rest = Spectral.istft(noiseParts[1], samples);
            for (int i = 0; i < samples; i++) signal[i] += rest[i] + gated[i] * (1 - presence[i]);
            float[] out;
            boolean refine = settings.refineIterations() >= 0;
            if (refine || settings.unvoicedFromMel()) {
                // the rendering's phase is coherent from frame to frame; a few Griffin-Lim iterations from it impose
                // the target magnitude (what the mel says between harmonics and in noise) without losing the pitch
                NDArray rendered = Spectral.stft(m, signal);
                NDArray target = m.create(MelSpectrogram.flatten(power), new Shape(frames, Spectral.BINS)).sqrt();
                // voiced frames keep their own magnitude below the cut (their harmonics; all of it when only unvoiced
                // frames are refined) and take the mel's above; unvoiced frames may take the mel's throughout
                int keepBelow = refine ? (int) Math.round(settings.refineFromHz() * Spectral.N_FFT / Spectral.SAMPLE_RATE)
                        : Spectral.BINS;
                float[] mask = new float[frames * Spectral.BINS];
                boolean mixed = false;
                for (int t = 0; t < frames; t++) {
                    int from = settings.unvoicedFromMel() && !(f0Hz[t] > 0) ? 0 : keepBelow;
                    mixed |= from > 0;
                    for (int b = from; b < Spectral.BINS; b++) mask[t * Spectral.BINS + b] = 1;
                }
                if (mixed) {
                    NDArray own = rendered.square().sum(new int[]{2}).sqrt();
                    NDArray imposed = m.create(mask, new Shape(frames, Spectral.BINS));
                    target = target.mul(imposed).add(own.mul(imposed.neg().add(1f)));
                }
                if (!refine && settings.unvoicedIterations() > 0) {
                    out = Spectral.griffinLimFrames(m, target.expandDims(2), rendered, awayFromVoice(f0Hz),
                            settings.unvoicedIterations(), 0.99, samples);
                } else {
                    out = Spectral.griffinLimFrom(m, target.expandDims(2), rendered, Math.max(0, settings.refineIterations()),
                            0.99, samples);
                }
            } else {
                out = signal;
            }
            if (settings.matchIterations() > 0) {
                out = matchEnvelope(m, out, powerOf(quietMel), f0Hz, settings.matchIterations());
            }
            return Spectral.limitPeak(out);
        }
    }

    /**
     * Harmonics that stay wholly periodic whatever the learned aperiodicity says: the lowest ones carry the pitch. With
     * all of them split by band, an octave's pitch shift (two harmonics below 1 kHz) was tracked at 1.77x, not 2x.
     */
    static final int PERIODIC_HARMONICS = 3;

    /** The most one matching pass scales a mel band by, either way (a band with next to no energy stays quiet). */
    private static final float MAX_MATCH_GAIN = 8f;

    /**
     * Scales {@code audio}'s spectrum towards {@code targetMel} [T * MELS] (power): each pass measures the output's
     * own power mel, takes each band's amplitude ratio to the target, spreads the ratios over the linear bins with
     * the filterbank's weights (a bin under two triangles gets their weighted mean) and multiplies the complex
     * spectrum by them before one inverse STFT. The phase, and the peaks and valleys within a band (the harmonics),
     * are kept; only the band's level moves, and in voiced frames only the envelope's: gains are averaged over one F0
     * ({@link Spectral#scaleBandsToMel}), so the rendered pitch stays the one asked for.
     */
    static float[] matchEnvelope(NDManager parent, float[] audio, float[] targetMel, float[] f0Hz, int passes) {
        int samples = audio.length;
        for (int pass = 0; pass < passes; pass++) {
            try (NDManager scope = parent.newSubManager()) {
                NDArray spec = Spectral.stft(scope, audio);
                float[] pairs = spec.toFloatArray();
                Spectral.scaleBandsToMel(pairs, targetMel, f0Hz, MAX_MATCH_GAIN);
                audio = Spectral.istft(scope.create(pairs, spec.getShape()), samples);
            }
        }
        return audio;
    }

    /** Unvoiced frames more than one frame from a voiced one: those whose noise Griffin-Lim may re-estimate. */
    static boolean[] awayFromVoice(float[] f0Hz) {
        boolean[] free = new boolean[f0Hz.length];
        for (int t = 0; t < f0Hz.length; t++) {
            free[t] = !(f0Hz[t] > 0) && !(t > 0 && f0Hz[t - 1] > 0) && !(t + 1 < f0Hz.length && f0Hz[t + 1] > 0);
        }
        return free;
    }

    /** The power mel [T * MELS] of a log-mel. */
    static float[] powerOf(float[][] logMel) {
        float[] power = new float[logMel.length * Spectral.MELS];
        for (int t = 0; t < logMel.length; t++) {
            for (int j = 0; j < Spectral.MELS; j++) power[t * Spectral.MELS + j] = (float) Math.exp(logMel[t][j]);
        }
        return power;
    }

    /** Whether a log-mel band is at the log-mel's floor. */
    private static boolean atFloor(float logMelValue) {
        return logMelValue <= LOG_MEL_FLOOR + 0.1f;
    }

    /** Whether at least {@code share} of a log-mel frame's bands are at the log-mel's floor: a pause. */
    static boolean isPause(float[] logMelFrame, double share) {
        int atFloor = 0;
        for (float v : logMelFrame) if (atFloor(v)) atFloor++;
        return atFloor >= share * logMelFrame.length;
    }

    /** The log-mel's clamp, ln(1e-5): a band there in the target was silent or below the feature stage's floor. */
    private static final float LOG_MEL_FLOOR = (float) Math.log(1e-5);

    /**
     * Power kept (-30 dB) where the mel is at its floor in a pause. Not zero: a recording's pause is quiet noise, not
     * digital silence, and its spectral shape still counts in MCD (which ignores level); zero would make it a flat
     * spectrum (gating the pause's samples to silence raised the pauses' per-frame distance, 22.2 -> 26.8).
     */
    private static final float FLOOR_ATTENUATION = 1e-3f;

    /**
     * {@code logMel} with the floor bands of pause frames ({@link #isPause}) taken 30 dB down: the mel says nothing is
     * there, and noise shaped by the floor would leave a haze at about -63 dBFS where the recording is silent. The
     * bands above the floor (a pause's hum) and every band of other frames are left alone: quiet speech sits close to
     * the floor in its upper bands, and gating those cost 2-6 dB of real content (MCD 1.46 -> 1.62 dB on validation).
     */
    static float[][] quietPauses(float[][] logMel, double share) {
        float[][] out = new float[logMel.length][];
        float drop = (float) Math.log(FLOOR_ATTENUATION);
        for (int t = 0; t < logMel.length; t++) {
            out[t] = logMel[t].clone();
            if (!isPause(logMel[t], share)) continue;
            for (int j = 0; j < out[t].length; j++) if (atFloor(logMel[t][j])) out[t][j] += drop;
        }
        return out;
    }

    /**
     * Sinusoids at k * F0 with amplitudes from the envelope, interpolated sample by sample between frames (faded at
     * voicing edges by {@code presence}, one value per output sample, {@link #harmonicPresence}). Each
     * harmonic has a fixed phase offset (Schroeder's quadratic phases), which keeps the crest factor low instead of
     * the click train that equal phases make. Harmonics are advanced by complex rotation, not one cosine each.
     */
    static float[] harmonics(float[][] power, float[] f0Hz, float[] presence, Settings settings, float[][] periodicity) {
        int samples = presence.length;
        int frames = power.length;
        double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
        int maxHarmonics = (int) (settings.maxVoicedHz() / 50) + 1;
        // amplitude of harmonic k at each frame (0 where unvoiced)
        float[][] amp = new float[frames][];
        for (int t = 0; t < frames; t++) {
            float f0 = f0Hz[t];
            if (!(f0 > 0)) continue;
            int count = Math.min(maxHarmonics, (int) (settings.maxVoicedHz() / f0));
            amp[t] = new float[count + 1];
            for (int k = 1; k <= count; k++) {
                // the envelope's power over the band this harmonic owns (±F0/2) is the sinusoid's power
                int lo = Math.max(1, (int) Math.ceil((k - 0.5) * f0 / binHz));
                int hi = Math.min(Spectral.BINS - 1, (int) Math.floor((k + 0.5) * f0 / binHz));
                double band = 0;
                for (int b = lo; b <= hi; b++) band += power[t][b];
                double periodic = periodicity == null ? 1 - settings.voicedNoiseShare()
                        : k <= PERIODIC_HARMONICS ? 1 : periodicity[t][BandPeriodicity.band(k * f0)];
                amp[t][k] = (float) Math.sqrt(4 * periodic * band / (Spectral.N_FFT * WINDOW_POWER));
            }
        }
        double[] offsetCos = new double[maxHarmonics + 1];
        double[] offsetSin = new double[maxHarmonics + 1];
        for (int k = 1; k <= maxHarmonics; k++) {
            double theta = Math.PI * k * (k - 1) / maxHarmonics;
            offsetCos[k] = Math.cos(theta);
            offsetSin[k] = Math.sin(theta);
        }
        float[] out = new float[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++) {
            double pos = n / (double) Spectral.HOP;
            int t = Math.min(frames - 1, (int) pos);
            int u = Math.min(frames - 1, t + 1);
            double w = pos - t;
            float f0a = f0Hz[t];
            float f0b = f0Hz[u];
            boolean va = f0a > 0;
            boolean vb = f0b > 0;
            if (!va && !vb) continue;
            // pitch glides between voiced frames; at a voicing edge the voiced side's pitch holds
            double f0 = va && vb ? (1 - w) * f0a + w * f0b : va ? f0a : f0b;
            phase += 2 * Math.PI * f0 / Spectral.SAMPLE_RATE;
            if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
            double c1 = Math.cos(phase);
            double s1 = Math.sin(phase);
            double ck = 1;
            double sk = 0;
            double sum = 0;
            int count = Math.max(va ? amp[t].length : 0, vb ? amp[u].length : 0) - 1;
            for (int k = 1; k <= count; k++) {
                double c = ck * c1 - sk * s1;                  // e^{ik·phase} = e^{i(k-1)·phase} · e^{i·phase}
                sk = sk * c1 + ck * s1;
                ck = c;
                double a0 = va && k < amp[t].length ? amp[t][k] : 0;
                double a1 = vb && k < amp[u].length ? amp[u][k] : 0;
                // at a voicing edge the voiced side holds its amplitude for half a hop, then fades (the presence):
                // the recording was periodic up to that frame, and a fade from its centre leaves the frame aperiodic
                double a = va && vb ? (1 - w) * a0 + w * a1 : (va ? a0 : a1) * presence[n];
                if (a != 0) sum += a * (ck * offsetCos[k] - sk * offsetSin[k]);
            }
            out[n] = (float) sum;
        }
        return out;
    }

    /**
     * {@code f0Hz} with each voiced stretch started {@code frames} earlier, holding its first F0. Only onsets: on
     * the validation split widening offsets too added more wrongly voiced frames than it recovered.
     */
    static float[] widenVoicing(float[] f0Hz, int frames) {
        for (int pass = 0; pass < frames; pass++) {
            float[] next = f0Hz.clone();
            for (int t = 0; t + 1 < f0Hz.length; t++) {
                if (!(f0Hz[t] > 0) && f0Hz[t + 1] > 0) next[t] = f0Hz[t + 1];
            }
            f0Hz = next;
        }
        return f0Hz;
    }

    /**
     * How much of the harmonic part sounds at each sample (0-1): 1 between voiced frames, 0 between unvoiced ones;
     * at a voicing edge the voiced side holds for half a hop and then fades, as in {@link #harmonics}.
     */
    static float[] harmonicPresence(float[] f0Hz, int samples) {
        int frames = f0Hz.length;
        float[] out = new float[samples];
        for (int n = 0; n < samples; n++) {
            double pos = n / (double) Spectral.HOP;
            int t = Math.min(frames - 1, (int) pos);
            int u = Math.min(frames - 1, t + 1);
            double w = pos - t;
            boolean va = f0Hz[t] > 0;
            boolean vb = f0Hz[u] > 0;
            out[n] = (float) (va && vb ? 1 : !va && !vb ? 0 : edgeGain(va, w));
        }
        return out;
    }

    /** The voiced side's amplitude at a voicing edge, {@code w} of the way from frame t to t + 1. */
    static double edgeGain(boolean voicedFirst, double w) {
        return Math.min(1, 2 * (voicedFirst ? 1 - w : w));
    }

    /**
     * Envelope-shaped noise as two STFTs [T, BINS, 2]: {@code [0]} unvoiced frames below the maximum voiced
     * frequency (gated by the caller), {@code [1]} everything else: unvoiced frames above it, and in voiced frames
     * the band above it plus the aperiodic share below it.
     */
    static NDArray[] noiseSpectra(NDManager m, float[][] power, float[] f0Hz, long seed, Settings settings,
                                  float[][] periodicity) {
        int frames = power.length;
        double binHz = Spectral.SAMPLE_RATE / (double) Spectral.N_FFT;
        int voicedTop = (int) Math.round(settings.maxVoicedHz() / binHz);
        Random rng = new Random(seed);
        float[] low = new float[frames * Spectral.BINS * 2];
        float[] rest = new float[frames * Spectral.BINS * 2];
        for (int t = 0; t < frames; t++) {
            boolean voiced = f0Hz[t] > 0;
            for (int b = 0; b < Spectral.BINS; b++) {
                boolean below = b < voicedTop;
                double aperiodic = !voiced || !below ? 1 : periodicity == null ? settings.voicedNoiseShare()
                        : b * binHz < (PERIODIC_HARMONICS + 0.5) * f0Hz[t] ? 0 : 1 - periodicity[t][BandPeriodicity.band(b * binHz)];
                double mag = Math.sqrt(aperiodic * power[t][b]);
                double a = rng.nextDouble() * 2 * Math.PI;
                int i = (t * Spectral.BINS + b) * 2;
                float[] target = !voiced && below ? low : rest;
                target[i] = (float) (mag * Math.cos(a));
                target[i + 1] = (float) (mag * Math.sin(a));
            }
        }
        Shape shape = new Shape(frames, Spectral.BINS, 2);
        return new NDArray[]{m.create(low, shape), m.create(rest, shape)};
    }
}
