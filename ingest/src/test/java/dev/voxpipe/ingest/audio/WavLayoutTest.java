package dev.voxpipe.ingest.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class WavLayoutTest {

    @Test
    void readsTheHeaderItWrites() throws IOException {
        byte[] header = WavLayout.header(22050, 1000);
        byte[] file = new byte[44 + 1000];
        System.arraycopy(header, 0, file, 0, 44);
        WavLayout layout = WavLayout.read(new ByteArrayInputStream(file), file.length);
        assertEquals(new WavLayout(1, 22050, 16, 44, 1000), layout);
    }

    @Test
    void skipsOtherChunksAndToleratesStreamedSizes() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 + 24 + 8 + 6 + 8 + 10).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(0).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000)
                .putShort((short) 2).putShort((short) 16);
        b.put("LIST".getBytes()).putInt(5).put(new byte[6]); // odd size, padded
        b.put("data".getBytes()).putInt(0xFFFFFFFF).put(new byte[10]);
        WavLayout layout = WavLayout.read(new ByteArrayInputStream(b.array()), b.capacity());
        assertEquals(12 + 24 + 14 + 8, layout.dataOffset());
        assertEquals(10, layout.dataBytes());
        assertEquals(16000, layout.sampleRate());
    }

    @Test
    void rejectsWhatIsNotWav() {
        assertThrows(IOException.class, () -> WavLayout.read(new ByteArrayInputStream("hello world, not a wav".getBytes()), 22));
    }
}
