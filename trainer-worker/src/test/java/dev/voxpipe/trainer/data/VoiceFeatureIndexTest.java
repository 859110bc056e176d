package dev.voxpipe.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.core.serde.InMemorySchemaRegistry;
import dev.voxpipe.schemas.MelFeatures;
import dev.voxpipe.schemas.TensorEncoding;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Issue 17: the index keeps references, not tensors: its heap follows the number of clips, not their size. */
class VoiceFeatureIndexTest {

    private static VoiceFeatureIndex index() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:1"); // never started: records are handed in directly
        return new VoiceFeatureIndex(kafka, new InMemorySchemaRegistry());
    }

    private static MelFeatures clip(String voice, int i, int tensorBytes) {
        List<Float> f0 = new ArrayList<>();
        for (int k = 0; k < 500; k++) f0.add(180f);
        return MelFeatures.newBuilder().setClipId(voice + "-c" + i).setTenantId("t1").setVoiceId(voice).setUploadId("u-" + voice)
                .setSampleRate(32000).setFrameRate(100).setMelBins(100).setFrameCount(500).setEncoding(TensorEncoding.FLOAT32_LE)
                .setData(ByteBuffer.wrap(new byte[tensorBytes])).setF0Hz(f0).setTranscript("words").setEventTime(Instant.EPOCH).build();
    }

    @Test
    void aClipIsHeldAsAReferenceWithoutItsTensorOrF0() {
        try (VoiceFeatureIndex index = index()) {
            index.accept(clip("v1", 0, 200_000), 3, 42);
            MelFeatures held = index.clips("t1", "v1").get(0);
            assertNull(held.getData(), "no inline tensor held");
            assertNull(held.getF0Hz(), "no F0 track held");
            assertEquals(5.0, VoiceFeatureIndex.seconds(List.of(held)), 1e-9, "its duration still counts");
            assertEquals("words", held.getTranscript());
            assertTrue(index.clips("t2", "v1").isEmpty(), "another tenant's voice is not seen");
        }
    }

    @Test
    void manyVoicesKeepAFlatHeap() {
        try (VoiceFeatureIndex index = index()) {
            long before = usedAfterGc();
            // 2,000 voices x 10 clips with 200 KB tensors each: 4 GB of tensors went through the index
            for (int v = 0; v < 2_000; v++) {
                for (int i = 0; i < 10; i++) index.accept(clip("voice-" + v, i, 200_000), v % 16, v * 10L + i);
            }
            long after = usedAfterGc();
            assertEquals(20_000, index.clipsHeld());
            long grown = after - before;
            System.out.println("VoiceFeatureIndex: 20,000 clip references held in " + (grown >> 10) + " KiB");
            assertTrue(grown < 64L << 20, "20,000 clips held in " + (grown >> 20) + " MiB (the tensors alone were 4 GB)");
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
