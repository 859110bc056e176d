package dev.voxpipe.synth.audiobook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.voxpipe.schemas.SynthesisChunk;
import dev.voxpipe.schemas.SynthesisRequest;
import dev.voxpipe.schemas.common.AudioFormat;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestSplitterTest {

    static final String TEXT = "The harbour was quiet when the first boat came in. Its crew had been at sea for three days. "
            + "They were tired and cold.\n\nBy nine the market was full.";

    private static SynthesisRequest request(boolean streaming) {
        return SynthesisRequest.newBuilder().setRequestId("syn_1").setTenantId("t").setVoiceId("v").setText(TEXT)
                .setFormat(AudioFormat.WAV).setStreaming(streaming).setEventTime(Instant.EPOCH).build();
    }

    @Test
    void aStreamedRequestsFirstChunkIsItsFirstSentenceAlone() throws Exception {
        RequestSplitter splitter = new RequestSplitter(null, 400);
        List<SynthesisChunk> plain = splitter.split(request(false));
        List<SynthesisChunk> streamed = splitter.split(request(true));
        assertEquals(2, plain.size(), "one chunk per paragraph: " + plain);
        assertEquals(3, streamed.size());
        assertEquals("The harbour was quiet when the first boat came in.", streamed.get(0).getText());
        assertTrue(streamed.get(1).getText().startsWith("Its crew had been at sea"), streamed.get(1).getText());
        assertEquals(plain.get(1).getText(), streamed.get(2).getText());
        assertEquals(300, streamed.get(0).getPauseAfterMs(), "a sentence pause after the split-off sentence");
        assertEquals(800, streamed.get(1).getPauseAfterMs(), "the paragraph pause stays where it was");
        for (int i = 0; i < streamed.size(); i++) {
            assertEquals(i, streamed.get(i).getChunkIndex());
            assertEquals(3, streamed.get(i).getChunkCount());
            assertTrue(streamed.get(i).getStreaming());
        }
    }

    @Test
    void everyChunkCarriesTheRequestsSpeedAndPitch() throws Exception {
        SynthesisRequest request = SynthesisRequest.newBuilder(request(false)).setSpeed(1.25).setPitchShift(-3)
                .setPitchRange(0.5).build();
        List<SynthesisChunk> chunks = new RequestSplitter(null, 400).split(request);
        assertEquals(2, chunks.size());
        for (SynthesisChunk c : chunks) {
            assertEquals(1.25, c.getSpeed());
            assertEquals(-3.0, c.getPitchShift());
            assertEquals(0.5, c.getPitchRange());
        }
    }
}
