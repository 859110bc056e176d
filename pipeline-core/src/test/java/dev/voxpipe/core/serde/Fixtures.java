package dev.voxpipe.core.serde;

import dev.voxpipe.schemas.RawAudioUploaded;
import dev.voxpipe.schemas.common.AudioFormat;
import dev.voxpipe.schemas.common.BlobRef;
import dev.voxpipe.schemas.common.ConsentAttestation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

final class Fixtures {
    private Fixtures() {}

    static RawAudioUploaded upload(String uploadId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return RawAudioUploaded.newBuilder()
                .setTenantId("tenant-a")
                .setVoiceId("voice-1")
                .setUploadId(uploadId)
                .setBlob(new BlobRef("sha256/ab/cd/abcd", "abcd", 1234L, "audio/wav"))
                .setDeclaredFormat("audio/wav")
                .setSniffedFormat(AudioFormat.WAV)
                .setTranscript("hello world")
                .setConsent(ConsentAttestation.newBuilder().setAttestedBy("Ada Owner").setStatement("I own this voice and consent to cloning.").setAttestedAt(now).build())
                .setEventTime(now)
                .build();
    }
}
