package dev.voxpipe.model.bench;

import dev.voxpipe.model.AcousticModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The contour figures of {@link ProsodyFit}, on contours whose answers are known. */
class ProsodyFitTest {
    private static float[] normalised(double[] hz) {
        float[] out = new float[hz.length];
        for (int t = 0; t < hz.length; t++) out[t] = AcousticModel.normalisedLogF0(Math.log(hz[t]));
        return out;
    }

    @Test
    void aPredictionAFixedIntervalOffHasItsRmseAndAPerfectContour() {
        double[] recording = new double[50];
        double[] predicted = new double[50];
        float[] voiced = new float[50];
        float[] recordingHz = new float[50];
        for (int t = 0; t < 50; t++) {
            recording[t] = 200 * Math.pow(2, Math.sin(t / 6.0) / 3);
            predicted[t] = recording[t] * Math.pow(2, 100 / 1200.0);     // 100 cents sharp throughout
            voiced[t] = 1;
            recordingHz[t] = (float) recording[t];
        }
        recordingHz[0] = 0;                                              // unvoiced in the recording: not a pair
        voiced[1] = -1;                                                  // unvoiced in the prediction: not a pair
        ProsodyFit.Fit fit = new ProsodyFit.Fit();
        fit.add(normalised(predicted), voiced, recordingHz);
        assertEquals(48, fit.pairs);
        assertEquals(100, fit.rmseCents(), 0.5);
        assertEquals(1.0, fit.correlation(), 1e-4);
        assertEquals(1.0, fit.spread(), 1e-4);
        assertEquals(0, fit.gross);
        assertEquals(49.0 / 50, fit.voicedRecording / (double) fit.frames, 1e-9);
    }

    @Test
    void aFlatHalfRangeContourAndAnOctaveErrorShowInSpreadAndGrossShare() {
        int n = 40;
        double[] predicted = new double[n];
        float[] voiced = new float[n];
        float[] recordingHz = new float[n];
        for (int t = 0; t < n; t++) {
            double contour = Math.sin(t / 5.0) / 2;                       // octaves
            recordingHz[t] = (float) (150 * Math.pow(2, contour));
            predicted[t] = 150 * Math.pow(2, contour / 2);                 // same shape, half the range
            voiced[t] = 1;
        }
        ProsodyFit.Fit flat = new ProsodyFit.Fit();
        flat.add(normalised(predicted), voiced, recordingHz);
        assertEquals(0.5, flat.spread(), 1e-3);
        assertEquals(1.0, flat.correlation(), 1e-4);
        assertEquals(0, flat.gross);
        predicted[n - 1] *= 2;                                             // one frame an octave up
        ProsodyFit.Fit octave = new ProsodyFit.Fit();
        octave.add(normalised(predicted), voiced, recordingHz);
        assertEquals(1, octave.gross);
        // one octave-off frame in 40: r 1.0 -> 0.80, spread 0.50 -> 0.74x, RMSE 211 -> 250 cents
        assertEquals(0.80, octave.correlation(), 0.01);
        assertEquals(0.74, octave.spread(), 0.01);
        assertEquals(39, octave.rmseCents() - flat.rmseCents(), 1);
    }
}
