package dev.voxpipe.core.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.voxpipe.schemas.TensorEncoding;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MelTensorsTest {

    private static final float[][] FRAMES = {{-11.5f, 0.25f, 3f}, {1e-3f, -2f, 7.75f}};

    @Test
    void float32RoundTripsExactly() {
        byte[] bytes = MelTensors.encode(FRAMES, TensorEncoding.FLOAT32_LE);
        assertEquals(2 * 3 * 4, bytes.length);
        float[][] back = MelTensors.decode(ByteBuffer.wrap(bytes), 2, 3, TensorEncoding.FLOAT32_LE);
        for (int i = 0; i < FRAMES.length; i++) assertArrayEquals(FRAMES[i], back[i]);
    }

    @Test
    void float16KeepsThreeSignificantDigits() {
        byte[] bytes = MelTensors.encode(FRAMES, TensorEncoding.FLOAT16_LE);
        float[][] back = MelTensors.decode(ByteBuffer.wrap(bytes), 2, 3, TensorEncoding.FLOAT16_LE);
        for (int i = 0; i < FRAMES.length; i++) {
            for (int j = 0; j < 3; j++) assertEquals(FRAMES[i][j], back[i][j], Math.abs(FRAMES[i][j]) * 1e-3 + 1e-4);
        }
    }

    @Test
    void aSizeThatDoesNotMatchTheShapeIsRefused() {
        byte[] bytes = MelTensors.encode(FRAMES, TensorEncoding.FLOAT32_LE);
        var e = assertThrows(IllegalArgumentException.class,
                () -> MelTensors.decode(ByteBuffer.wrap(bytes), 3, 3, TensorEncoding.FLOAT32_LE));
        assertEquals(true, e.getMessage().contains("does not match"));
    }
}
