package dev.voxpipe.dsp.decode;

import java.nio.charset.StandardCharsets;

/**
 * Recognises an audio container from its first bytes (magic numbers), never from a file name or a
 * Content-Type. Dependency-free so the ingest service can reuse it; {@link #HEAD_BYTES} bytes suffice.
 */
public final class AudioFormatSniffer {
    /** How many leading bytes {@link #sniff} looks at (fewer is fine; the answer may then be UNKNOWN). */
    public static final int HEAD_BYTES = 64;

    private AudioFormatSniffer() {
    }

    public static SniffedFormat sniff(byte[] head) {
        return sniff(head, head == null ? 0 : head.length);
    }

    public static SniffedFormat sniff(byte[] head, int length) {
        if (head == null || length < 4) return SniffedFormat.UNKNOWN;
        int n = Math.min(length, head.length);
        if (n >= 12 && (ascii(head, 0, "RIFF") || ascii(head, 0, "RF64")) && ascii(head, 8, "WAVE")) return SniffedFormat.WAV;
        if (ascii(head, 0, "fLaC")) return SniffedFormat.FLAC;
        if (ascii(head, 0, "OggS")) {
            // first page: 27-byte header, segment table of head[26] bytes, then the first packet
            if (n < 27) return SniffedFormat.UNKNOWN;
            int packet = 27 + (head[26] & 0xFF);
            if (n >= packet + 7 && head[packet] == 1 && ascii(head, packet + 1, "vorbis")) return SniffedFormat.OGG_VORBIS;
            if (n >= packet + 8 && ascii(head, packet, "OpusHead")) return SniffedFormat.OGG_OPUS;
            return SniffedFormat.UNKNOWN;
        }
        if (ascii(head, 0, "ID3") && n >= 10) {
            // ID3v2 tag: usually MP3 behind it (FLAC rarely carries one)
            return SniffedFormat.MP3;
        }
        if (isMpegAudioFrameHeader(head, 0, n)) return SniffedFormat.MP3;
        return SniffedFormat.UNKNOWN;
    }

    /** MPEG-1/2/2.5 Layer III frame header at {@code off}: sync, valid layer, bitrate and rate indices. */
    static boolean isMpegAudioFrameHeader(byte[] b, int off, int n) {
        if (n - off < 4) return false;
        int b0 = b[off] & 0xFF, b1 = b[off + 1] & 0xFF, b2 = b[off + 2] & 0xFF;
        if (b0 != 0xFF || (b1 & 0xE0) != 0xE0) return false;
        int version = (b1 >> 3) & 3, layer = (b1 >> 1) & 3;
        int bitrate = (b2 >> 4) & 0xF, rate = (b2 >> 2) & 3;
        return version != 1 && layer == 1 && bitrate != 0 && bitrate != 0xF && rate != 3;
    }

    private static boolean ascii(byte[] b, int off, String s) {
        if (b.length < off + s.length()) return false;
        byte[] want = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < want.length; i++) if (b[off + i] != want[i]) return false;
        return true;
    }
}
