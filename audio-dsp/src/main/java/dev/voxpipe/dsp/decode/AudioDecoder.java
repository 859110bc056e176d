package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecodeException.Kind;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes WAV, FLAC, MP3 and Ogg Vorbis to mono float samples. The format is sniffed from the bytes;
 * whatever the uploader claimed is ignored. Every failure is an {@link AudioDecodeException} with a
 * human-readable reason: bad input never escapes as a RuntimeException or an OutOfMemoryError from a
 * declared size, and {@link DecodeLimits} bound the decoded duration.
 */
public final class AudioDecoder {
    private AudioDecoder() {
    }

    public static PcmAudio decode(byte[] bytes, DecodeLimits limits) throws AudioDecodeException {
        return decode(new ByteArrayInputStream(bytes), limits);
    }

    public static PcmAudio decode(InputStream raw, DecodeLimits limits) throws AudioDecodeException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        byte[] head = new byte[AudioFormatSniffer.HEAD_BYTES];
        int n;
        try {
            in.mark(head.length);
            n = in.readNBytes(head, 0, head.length);
            in.reset();
        } catch (IOException e) {
            throw new AudioDecodeException(Kind.IO, "reading audio failed: " + e.getMessage(), e);
        }
        if (n == 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "the upload is empty");
        SniffedFormat format = AudioFormatSniffer.sniff(head, n);
        try {
            PcmAudio audio = switch (format) {
                case WAV -> WavIo.read(in, limits);
                case FLAC -> FlacDecoder.decode(in, limits);
                case MP3 -> Mp3Decoder.decode(in, limits);
                case OGG_VORBIS -> OggVorbisDecoder.decode(in, limits);
                case OGG_OPUS -> throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT, "Ogg Opus is not supported; upload WAV, FLAC, MP3 or Ogg Vorbis");
                case UNKNOWN -> throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT, "not a recognised audio file (" + describe(head, n) + "); upload WAV, FLAC, MP3 or Ogg Vorbis");
            };
            return checkFinite(audio, format);
        } catch (AudioDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new AudioDecodeException(Kind.IO, format + " read failed: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            // third-party decoders signal broken streams with index errors and the like
            throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, format + " stream is corrupt (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    public static PcmAudio decode(InputStream in) throws AudioDecodeException {
        return decode(in, DecodeLimits.defaults());
    }

    private static PcmAudio checkFinite(PcmAudio a, SniffedFormat format) throws AudioDecodeException {
        for (float v : a.samples()) {
            if (!Float.isFinite(v)) throw new AudioDecodeException(Kind.INVALID_SAMPLES, format + " audio contains non-finite samples");
        }
        return a;
    }

    private static String describe(byte[] head, int n) {
        StringBuilder sb = new StringBuilder("starts with ");
        for (int i = 0; i < Math.min(n, 8); i++) sb.append(String.format("%02x", head[i] & 0xFF));
        return sb.toString();
    }
}
