package dev.voxpipe.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The device rule apart from the engine: a GPU image that sees no GPU stops at once and says why. */
class DevicesTest {

    @Test
    void gpuRequiredButNoneVisibleFailsWithWhatToCheck() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.select("gpu", 0, "all"));
        assertTrue(e.getMessage().contains("VOXPIPE_DEVICE=gpu but PyTorch sees no GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("NVIDIA_VISIBLE_DEVICES=all"), e.getMessage());
        assertTrue(e.getMessage().contains("profile cpu"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Devices.select("cuda", 0, null));
    }

    @Test
    void gpuRequiredAndPresentOrAutoOrCpu() {
        assertEquals(Device.gpu(), Devices.select("gpu", 1, "0"));
        assertEquals(Device.gpu(), Devices.select(null, 2, null));
        assertEquals(Device.cpu(), Devices.select(null, 0, null), "without VOXPIPE_DEVICE the CPU is a fine fallback (tests, ./voxpipe)");
        assertEquals(Device.cpu(), Devices.select("auto", 0, null));
        assertEquals(Device.cpu(), Devices.select("CPU", 4, "all"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu", 0, null));
        assertTrue(bad.getMessage().contains("cpu, gpu or auto"), bad.getMessage());
    }
}
