package dev.voxpipe.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Engine start-up in one place: offline DJL, the PyTorch engine, and the device picked at run time. */
public final class Devices {
    static {
        // DJL must not try to download anything: the native library comes from Maven Central jars.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private Devices() {
    }

    public static Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    /** The first GPU when the engine sees one, the CPU otherwise. VOXPIPE_DEVICE=cpu forces the CPU. */
    public static Device preferred() {
        Engine engine = engine();
        String forced = System.getenv("VOXPIPE_DEVICE");
        if (forced != null && forced.equalsIgnoreCase("cpu")) {
            return Device.cpu();
        }
        return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
