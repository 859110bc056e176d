package dev.voxpipe.feature.topology;

import dev.voxpipe.core.config.VoxConfig;
import dev.voxpipe.schemas.TensorEncoding;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FeatureSettingsTest {
    @Test
    void defaultsMatchTheIssueAndKeysOverride() {
        FeatureSettings d = FeatureSettings.from(VoxConfig.of(Map.of()));
        assertEquals(32000, d.dsp().mel().sampleRate());
        assertEquals(1280, d.dsp().mel().nFft());
        assertEquals(320, d.dsp().mel().hopLength());
        assertEquals(100, d.dsp().mel().nMels());
        assertEquals(-34, d.dsp().slicer().thresholdDb());
        assertEquals(4000, d.dsp().slicer().minLengthMs());
        assertEquals(15000, d.dsp().slicer().maxClipMs());
        assertEquals(-14, d.dsp().targetLufs());
        assertEquals(1800, d.dsp().limits().maxDurationSeconds());

        FeatureSettings o = FeatureSettings.from(VoxConfig.of(Map.of(
                "voxpipe.feature.mel.n-mels", "80", "voxpipe.feature.mel.scale", "htk",
                "voxpipe.feature.slicer.threshold-db", "-40", "voxpipe.feature.target-lufs", "-16",
                "voxpipe.feature.mel-encoding", "FLOAT16_LE", "voxpipe.feature.max-duration-seconds", "60")));
        assertEquals(80, o.dsp().mel().nMels());
        assertFalse(o.dsp().mel().slaneyScale());
        assertEquals(-40, o.dsp().slicer().thresholdDb());
        assertEquals(-16, o.dsp().targetLufs());
        assertEquals(TensorEncoding.FLOAT16_LE, o.melEncoding());
        assertEquals(60, o.dsp().limits().maxDurationSeconds());
        assertThrows(IllegalArgumentException.class,
                () -> FeatureSettings.from(VoxConfig.of(Map.of("voxpipe.feature.slicer.min-length-ms", "100"))));
    }

    @Test
    void pauseMarksAreOnByDefaultAndABadValueIsRefusedWithItsName() {
        assertEquals(0.3, FeatureSettings.from(VoxConfig.of(Map.of())).label().pauseMarkSeconds());
        assertEquals(0, FeatureSettings.from(VoxConfig.of(Map.of("voxpipe.feature.label.pause-mark-seconds", "0"))).label().pauseMarkSeconds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureSettings.from(VoxConfig.of(Map.of("voxpipe.feature.label.pause-mark-seconds", "-0.3"))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("pause-mark-seconds"), e.getMessage());
    }

    @Test
    void melTensorRoundTripsInBothEncodings() {
        float[][] mel = {{-11.5f, 0f, 3.25f}, {1e-3f, -2.5f, 7.75f}};
        float[][] f32 = Payloads.decodeMel(Payloads.encodeMel(mel, TensorEncoding.FLOAT32_LE), 2, 3, TensorEncoding.FLOAT32_LE);
        float[][] f16 = Payloads.decodeMel(Payloads.encodeMel(mel, TensorEncoding.FLOAT16_LE), 2, 3, TensorEncoding.FLOAT16_LE);
        assertEquals(24, Payloads.encodeMel(mel, TensorEncoding.FLOAT32_LE).length);
        assertEquals(12, Payloads.encodeMel(mel, TensorEncoding.FLOAT16_LE).length);
        for (int t = 0; t < 2; t++) {
            for (int m = 0; m < 3; m++) {
                assertEquals(mel[t][m], f32[t][m]);
                assertEquals(mel[t][m], f16[t][m], Math.abs(mel[t][m]) * 1e-3 + 1e-4);
            }
        }
    }
}
