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

    /**
     * The first GPU when the engine sees one, the CPU otherwise. VOXPIPE_DEVICE=cpu forces the CPU; VOXPIPE_DEVICE=gpu
     * (the GPU images) requires a GPU and fails at once without one, rather than training or synthesising on the CPU
     * at a fraction of the speed while the deployment believes it has GPUs.
     */
    public static Device preferred() {
        String forced = System.getenv("VOXPIPE_DEVICE");
        if (forced != null && forced.equalsIgnoreCase("cpu")) {
            return Device.cpu();
        }
        return select(forced, engine().getGpuCount(), System.getenv("NVIDIA_VISIBLE_DEVICES"));
    }

    /** {@link #preferred}'s rule, apart from the engine: {@code forced} is VOXPIPE_DEVICE (null, cpu, gpu). */
    static Device select(String forced, int gpuCount, String nvidiaVisibleDevices) {
        if (forced == null || forced.isBlank() || forced.equalsIgnoreCase("auto")) {
            return gpuCount > 0 ? Device.gpu() : Device.cpu();
        }
        if (forced.equalsIgnoreCase("cpu")) return Device.cpu();
        if (forced.equalsIgnoreCase("gpu") || forced.equalsIgnoreCase("cuda")) {
            if (gpuCount > 0) return Device.gpu();
            throw new IllegalStateException("VOXPIPE_DEVICE=" + forced + " but PyTorch sees no GPU (CUDA devices: 0, "
                    + "NVIDIA_VISIBLE_DEVICES=" + (nvidiaVisibleDevices == null ? "unset" : nvidiaVisibleDevices) + "). "
                    + "Give the container a GPU (compose: deploy.resources.reservations.devices with the NVIDIA Container "
                    + "Toolkit installed; check `nvidia-smi` on the host), or run the CPU variant (profile cpu, "
                    + "VOXPIPE_DEVICE=cpu).");
        }
        throw new IllegalArgumentException("VOXPIPE_DEVICE must be cpu, gpu or auto, not '" + forced + "'");
    }
}
