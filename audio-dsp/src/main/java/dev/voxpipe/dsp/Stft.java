package dev.voxpipe.dsp;

/**
 * Short-time Fourier transform with torch.stft's conventions: periodic Hann window of
 * {@code winLength} centred in {@code nFft}, optional centring with reflect padding of nFft/2,
 * frames every {@code hop} samples. Not thread-safe (owns FFT scratch); create one per thread. The exceptions,
 * which touch no scratch and may be shared: {@link #window()}, {@link #frameCount}, {@link #windowedFrames} and
 * {@link #overlapAdd} (the halves of the transform for a caller that runs the FFTs itself, as the voice model does
 * on its engine).
 */
public final class Stft {
    private final int nFft, winLength, hop;
    private final boolean center;
    private final double[] window; // length nFft, zero outside the centred window
    private final Fft.Real fft;
    private final double[] frame, re, im;

    public Stft(int nFft, int winLength, int hop, boolean center) {
        this.nFft = nFft;
        this.winLength = winLength;
        this.hop = hop;
        this.center = center;
        this.window = new double[nFft];
        int left = (nFft - winLength) / 2;
        // Emulates torch.hann_window's float32 arithmetic (arange * step, cos, * -0.5 + 0.5): the
        // window's rounding shows up in near-empty bins, -100 dB below the frame's peak.
        float step = (float) (Math.PI * 2.0 / winLength);
        for (int i = 0; i < winLength; i++) {
            float c = (float) Math.cos((float) i * step);
            window[left + i] = c * -0.5f + 0.5f;
        }
        this.fft = new Fft.Real(nFft);
        this.frame = new double[nFft];
        this.re = new double[nFft / 2 + 1];
        this.im = new double[nFft / 2 + 1];
    }

    public Stft(MelConfig c) {
        this(c.nFft(), c.winLength(), c.hopLength(), c.center());
    }

    public int nFreqs() {
        return nFft / 2 + 1;
    }

    public int frameCount(int samples) {
        if (center) return 1 + samples / hop;
        return samples < nFft ? 0 : 1 + (samples - nFft) / hop;
    }

    public double[] window() {
        return window.clone();
    }

    /** Signal value at index i of the (reflect-)padded signal. */
    private static double reflect(float[] x, int i) {
        int n = x.length;
        if (n == 1) return x[0];
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return x[j < n ? j : period - j];
    }

    /** Loads frame t of {@code x}, windowed (reflect-padded where it overhangs), into {@code into} [nFft]. */
    private void loadFrame(float[] x, int t, double[] into) {
        int startIdx = t * hop - (center ? nFft / 2 : 0);
        if (startIdx >= 0 && startIdx + nFft <= x.length) {
            for (int i = 0; i < nFft; i++) into[i] = x[startIdx + i] * window[i];
        } else {
            for (int i = 0; i < nFft; i++) into[i] = window[i] == 0 ? 0 : reflect(x, startIdx + i) * window[i];
        }
    }

    /** Loads frame t windowed into the FFT and leaves bins in re/im. */
    private void transformFrame(float[] x, int t) {
        loadFrame(x, t, frame);
        fft.forward(frame, re, im);
    }

    /**
     * The windowed frames of {@code x} as this STFT cuts them, row-major [frameCount * nFft], for a caller that runs
     * the forward FFTs itself (all frames in one batched call). Each value is the float product of sample and window
     * (exact in double, then rounded once). Thread-safe.
     */
    public float[] windowedFrames(float[] x) {
        return windowedFrames(x, allFrames(frameCount(x.length)));
    }

    /** As {@link #windowedFrames(float[])}, only the frames listed in {@code frames}, in that order. Thread-safe. */
    public float[] windowedFrames(float[] x, int[] frames) {
        float[] out = new float[frames.length * nFft];
        double[] buf = new double[nFft];
        for (int k = 0; k < frames.length; k++) {
            loadFrame(x, frames[k], buf);
            for (int i = 0; i < nFft; i++) out[k * nFft + i] = (float) buf[i];
        }
        return out;
    }

    private static int[] allFrames(int frames) {
        int[] all = new int[frames];
        for (int t = 0; t < frames; t++) all[t] = t;
        return all;
    }

    /** |X|^power per frame: [frames][nFft/2+1]. */
    public float[][] spectrogram(float[] x, double power) {
        int frames = frameCount(x.length);
        float[][] out = new float[frames][nFreqs()];
        for (int t = 0; t < frames; t++) {
            transformFrame(x, t);
            float[] row = out[t];
            for (int k = 0; k < row.length; k++) {
                double p = re[k] * re[k] + im[k] * im[k];
                row[k] = (float) (power == 2 ? p : Math.sqrt(p));
            }
        }
        return out;
    }

    /** Visits each frame's power (or magnitude) spectrum without allocating a matrix. */
    public void forEachFrame(float[] x, double power, FrameConsumer consumer) {
        int frames = frameCount(x.length);
        double[] spec = new double[nFreqs()];
        for (int t = 0; t < frames; t++) {
            transformFrame(x, t);
            for (int k = 0; k < spec.length; k++) {
                double p = re[k] * re[k] + im[k] * im[k];
                spec[k] = power == 2 ? p : Math.sqrt(p);
            }
            consumer.accept(t, spec);
        }
    }

    /** Complex STFT: [frames][2*(nFft/2+1)] interleaved re, im. */
    public float[][] complex(float[] x) {
        int frames = frameCount(x.length);
        float[][] out = new float[frames][2 * nFreqs()];
        for (int t = 0; t < frames; t++) {
            transformFrame(x, t);
            for (int k = 0; k < nFreqs(); k++) {
                out[t][2 * k] = (float) re[k];
                out[t][2 * k + 1] = (float) im[k];
            }
        }
        return out;
    }

    /**
     * Inverse STFT by weighted overlap-add (torch.istft semantics with the same window), for Griffin-Lim.
     * {@code frames} as returned by {@link #complex}; {@code length} output samples.
     */
    public float[] inverse(float[][] frames, int length) {
        float[] signals = new float[frames.length * nFft];
        double[] bre = new double[nFreqs()], bim = new double[nFreqs()], buf = new double[nFft];
        for (int t = 0; t < frames.length; t++) {
            for (int k = 0; k < nFreqs(); k++) {
                bre[k] = frames[t][2 * k];
                bim[k] = frames[t][2 * k + 1];
            }
            fft.inverse(bre, bim, buf);
            for (int i = 0; i < nFft; i++) signals[t * nFft + i] = (float) buf[i];
        }
        return overlapAdd(signals, frames.length, length);
    }

    /**
     * The second half of {@link #inverse}, for a caller that ran the inverse FFTs itself: {@code frameSignals}
     * [frames * nFft] (each frame's inverse transform, unwindowed) are windowed, overlap-added every hop and divided
     * by the sum of the squared windows; the centring pad is cut off and {@code length} samples returned.
     * Thread-safe.
     */
    public float[] overlapAdd(float[] frameSignals, int frames, int length) {
        return overlapAdd(frameSignals, allFrames(frames), frames, length);
    }

    /**
     * The share of the inverse STFT that the frames listed in {@code frameIndices} make ({@code frameSignals} holds
     * theirs, in that order), normalised by the squared windows of all {@code frames}: the inverse STFT of a whole
     * signal is the sum of such shares over any partition of its frames, so a caller that changes some frames only
     * can overlap-add those again. Thread-safe.
     */
    public float[] overlapAdd(float[] frameSignals, int[] frameIndices, int frames, int length) {
        if (frameSignals.length != frameIndices.length * nFft) {
            throw new IllegalArgumentException(frameSignals.length + " values are not " + frameIndices.length + " frames of " + nFft);
        }
        int shift = center ? nFft / 2 : 0;
        int span = Math.max(frames == 0 ? 0 : (frames - 1) * hop + nFft, shift + length);
        double[] acc = new double[span];
        double[] wsum = new double[span];
        for (int t = 0; t < frames; t++) {
            int off = t * hop;
            for (int i = 0; i < nFft; i++) wsum[off + i] += window[i] * window[i];
        }
        for (int k = 0; k < frameIndices.length; k++) {
            int off = frameIndices[k] * hop;
            int base = k * nFft;
            for (int i = 0; i < nFft; i++) acc[off + i] += frameSignals[base + i] * window[i];
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            int j = i + shift;
            out[i] = wsum[j] > 1e-11 ? (float) (acc[j] / wsum[j]) : 0f;
        }
        return out;
    }

    @FunctionalInterface
    public interface FrameConsumer {
        /** {@code spectrum} is reused between calls. */
        void accept(int frame, double[] spectrum);
    }
}
