package dev.voxpipe.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VoxConfigTest {

    @Test
    void valuesLaidOverTheEnvironmentWinAndLeaveEveryOtherKeyToIt() {
        String tunable = "voxpipe.test.vox-config.threshold";
        String wired = "voxpipe.test.vox-config.bootstrap";
        System.setProperty(tunable, "0.5");
        System.setProperty(wired, "from-the-environment:9092");
        try {
            VoxConfig config = VoxConfig.fromEnvironment().withAll(Map.of(wired, "launcher:9092"));
            assertEquals("launcher:9092", config.find(wired).orElseThrow(), "a launcher's wiring wins");
            assertEquals("0.5", config.find(tunable).orElseThrow(), "what the launcher does not set comes from the environment");
            assertTrue(VoxConfig.of(Map.of(wired, "launcher:9092")).find(tunable).isEmpty(), "of(...) alone reads no environment");
        } finally {
            System.clearProperty(tunable);
            System.clearProperty(wired);
        }
    }

    @Test
    void environmentNamesAreTheKeysInCapitalsWithUnderscores() {
        assertEquals("VOXPIPE_FEATURE_LABEL_RECOGNITION_THRESHOLD", VoxConfig.envName("voxpipe.feature.label.recognition-threshold"));
    }
}
