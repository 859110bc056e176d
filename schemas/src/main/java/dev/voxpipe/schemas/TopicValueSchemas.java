package dev.voxpipe.schemas;

import java.util.List;
import org.apache.avro.Schema;

/** Every record that is the value of a topic, in one list, for registry and compatibility checks. */
public final class TopicValueSchemas {

    public static final List<Schema> ALL = List.of(
            VoiceCreated.getClassSchema(),
            RawAudioUploaded.getClassSchema(),
            SlicedClip.getClassSchema(),
            MelFeatures.getClassSchema(),
            VoiceDatasetSummary.getClassSchema(),
            TrainingJob.getClassSchema(),
            TrainingProgress.getClassSchema(),
            VoiceModelReady.getClassSchema(),
            SynthesisRequest.getClassSchema(),
            SynthesisChunk.getClassSchema(),
            SynthesisChunkResult.getClassSchema(),
            SynthesisCompleted.getClassSchema(),
            DeadLetter.getClassSchema(),
            IdempotencyRecord.getClassSchema(),
            SynthesisProgress.getClassSchema());

    /** Records added after {@link ReleasedSchemas#LATEST_RELEASE}: no released version to stay compatible with yet. */
    public static final java.util.Set<String> NEW_SINCE_RELEASE = java.util.Set.of("IdempotencyRecord", "SynthesisProgress");

    private TopicValueSchemas() {}

    public static List<String> recordNames() {
        return ALL.stream().map(Schema::getName).toList();
    }

    /** The records the latest release already had. */
    public static List<String> releasedRecordNames() {
        return recordNames().stream().filter(n -> !NEW_SINCE_RELEASE.contains(n)).toList();
    }
}
