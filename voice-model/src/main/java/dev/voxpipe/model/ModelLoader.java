package dev.voxpipe.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a {@link VoiceModelRuntime} comes from: the base shipped in the jar (once per JVM), a checkpoint directory
 * written by pretraining, a checkpoint in memory, or an exported TorchScript acoustic model.
 */
final class ModelLoader {
    private static volatile VoiceModelRuntime shippedBase;

    private ModelLoader() {
    }

    /** The base checkpoint shipped in the jar (loaded once per JVM; closing it is a no-op). */
    static VoiceModelRuntime loadBase() {
        VoiceModelRuntime r = shippedBase;
        if (r == null) {
            synchronized (ModelLoader.class) {
                if (shippedBase == null) {
                    try {
                        BaseCheckpoint cp = BaseCheckpoint.readResource();
                        if (cp == null) {
                            Path dir = Path.of("voice-model/models/base");
                            if (!Files.isDirectory(dir)) {
                                throw new IllegalStateException("no base checkpoint on the classpath ("
                                        + BaseCheckpoint.RESOURCE_DIR + ") nor in " + dir.toAbsolutePath());
                            }
                            cp = BaseCheckpoint.read(dir);
                        }
                        shippedBase = fromCheckpoint(cp, true);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                r = shippedBase;
            }
        }
        return r;
    }

    /** A base checkpoint directory written by pretraining ({@code RUN/base}). */
    static VoiceModelRuntime loadBase(Path checkpointDir) {
        try {
            return fromCheckpoint(BaseCheckpoint.read(checkpointDir), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base checkpoint " + checkpointDir, e);
        }
    }

    /** A checkpoint already in memory (tests, tools). */
    static VoiceModelRuntime fromCheckpoint(BaseCheckpoint checkpoint, boolean shared) {
        Device device = Devices.preferred();
        NDManager root = NDManager.newBaseManager(device);
        String id = idOf(checkpoint);
        return new VoiceModelRuntime(id, checkpoint, null, root, device, shared);
    }

    private static String idOf(BaseCheckpoint cp) {
        for (String line : cp.info().split("\n")) {
            if (line.startsWith("id=")) {
                return line.substring(3).trim();
            }
        }
        return "voxpipe-base-v1";
    }

    /** An exported TorchScript acoustic model ({@link VoiceModelRuntime#loadTorchScript} gives its signature). */
    static VoiceModelRuntime loadTorchScript(Path torchScriptFile) {
        Device device = Devices.preferred();
        TorchScriptAcoustic model = TorchScriptAcoustic.load(torchScriptFile, device);
        return new VoiceModelRuntime("torchscript:" + torchScriptFile.getFileName(), null, model,
                NDManager.newBaseManager(device), device, false);
    }
}
