package dev.voxpipe.model.train;

import dev.voxpipe.model.BaseCheckpoint;
import dev.voxpipe.model.TrainingUtterance;
import dev.voxpipe.model.VoiceModelRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports a pretraining run's base for shipping, with its duration calibration measured on the
 * run's cached features:
 * <pre>ExportBase --run runs/base --out voice-model/src/main/resources/dev/voxpipe/model/base [--id voxpipe-base-v1]</pre>
 */
public final class ExportBase {
    private ExportBase() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = Pretrain.parse(args);
        Path run = Path.of(a.getOrDefault("run", "runs/base"));
        Path out = Path.of(a.get("out"));
        String id = a.getOrDefault("id", "voxpipe-base-v1");
        BaseCheckpoint cp = BaseCheckpoint.read(run.resolve("base"));
        List<TrainingUtterance> sample = new ArrayList<>();
        List<Corpus.Utterance> data = Corpus.load(List.of(Path.of("unused")), java.util.Set.of(), 1000,
                Integer.MAX_VALUE, run.resolve("features.bin"), cp.config().input());
        sample.addAll(Corpus.calibrationSample(data, cp.config(), 400));
        float scale;
        try (VoiceModelRuntime runtime = VoiceModelRuntime.fromCheckpoint(cp, false)) {
            scale = runtime.calibrateDurations(null, sample);
        }
        // the run's own id and calibration give way to the exported ones (one line each)
        String info = "id=" + id + "\n" + cp.info().replaceAll("(?m)^(id|duration_scale)=.*\\n", "")
                + "duration_scale=" + scale + "\n";
        BaseCheckpoint.write(out, cp.config(), cp.params(), cp.meanEmbedding(), info, scale);
        System.out.println("exported " + id + " to " + out + " (duration scale " + scale + ", " + sample.size()
                + " utterances)");
    }
}
