package dev.voxpipe.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A voice's spectral bias is taken off its speech frames only ({@link Synthesizer#subtractOnSpeech}). */
class MelBiasTest {
    @Test
    void speechFramesLoseTheBiasAndSilenceKeepsItsLevel() {
        float[][] mel = new float[4][3];
        for (int b = 0; b < 3; b++) {
            mel[0][b] = -2f;   // speech
            mel[1][b] = -3f;   // speech: within 40 dB (9.2 log units) of the loudest frame
            mel[2][b] = -20f;  // a pause, 18 log units (78 dB) below
            mel[3][b] = -2.5f; // speech
        }
        Synthesizer.subtractOnSpeech(mel, new float[]{0.5f, -0.25f, 0f});
        assertEquals(-2.5f, mel[0][0], 1e-6);
        assertEquals(-1.75f, mel[0][1], 1e-6);
        assertEquals(-2f, mel[0][2], 1e-6);
        assertEquals(-3.5f, mel[1][0], 1e-6);
        assertEquals(-20f, mel[2][0], 0);
        assertEquals(-20f, mel[2][1], 0);
        assertEquals(-2.25f, mel[3][1], 1e-6);
    }
}
