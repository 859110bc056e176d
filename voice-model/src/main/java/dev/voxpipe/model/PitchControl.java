package dev.voxpipe.model;

/**
 * A request's change to the voice's pitch: a shift in semitones (the whole contour moves) and a scale of its range
 * (1 keeps the intonation, 0.5 flattens it by half, 1.5 widens it). Both vocoders honour it: the harmonic vocoder
 * through the F0 it is given, the model with prosody also through what its decoder reads.
 *
 * @param shiftSemitones -12 to 12
 * @param rangeScale     0.25 to 2
 */
public record PitchControl(double shiftSemitones, double rangeScale) {
    public static final PitchControl NONE = new PitchControl(0, 1);

    public PitchControl {
        if (!(shiftSemitones >= -12 && shiftSemitones <= 12)) {
            throw new IllegalArgumentException("pitch shift must be within -12..12 semitones, got " + shiftSemitones);
        }
        if (!(rangeScale >= 0.25 && rangeScale <= 2)) {
            throw new IllegalArgumentException("pitch range scale must be within 0.25..2, got " + rangeScale);
        }
    }

    /** The shift as a natural-log F0 offset. */
    public double logShift() {
        return shiftSemitones * Math.log(2) / 12;
    }

    /** A pitch range moved and scaled by this control. */
    public PitchModel.F0Stats apply(PitchModel.F0Stats range) {
        return range == null ? null
                : new PitchModel.F0Stats((float) (range.meanLog() + logShift()), (float) (range.stdLog() * rangeScale));
    }

    /** A contour's log-F0 moved and scaled about its mean. */
    public double apply(double logF0, double meanLog) {
        return meanLog + (logF0 - meanLog) * rangeScale + logShift();
    }
}
