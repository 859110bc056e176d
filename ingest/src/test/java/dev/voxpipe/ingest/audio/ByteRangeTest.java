package dev.voxpipe.ingest.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.voxpipe.ingest.api.ApiException;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void parsesTheThreeForms() {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-", 1000));
        assertEquals(new ByteRange(990, 999), ByteRange.parse("bytes=-10", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-5000", 1000), "end is clamped");
        assertEquals("bytes 900-999/1000", ByteRange.parse("bytes=900-", 1000).contentRange(1000));
    }

    @Test
    void ignoresWhatItCannotServeAsOneRange() {
        assertNull(ByteRange.parse(null, 10));
        assertNull(ByteRange.parse("items=0-1", 10));
        assertNull(ByteRange.parse("bytes=0-1,3-4", 10));
        assertNull(ByteRange.parse("bytes=5-2", 10));
        assertNull(ByteRange.parse("bytes=a-b", 10));
    }

    @Test
    void refusesRangesOutsideTheResource() {
        ApiException e = assertThrows(ApiException.class, () -> ByteRange.parse("bytes=10-", 10));
        assertEquals(416, e.status());
        assertThrows(ApiException.class, () -> ByteRange.parse("bytes=-0", 10));
    }
}
