package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.decode.AudioDecodeException.Kind;
import org.jflac.FLACDecoder;
import org.jflac.frame.Frame;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** FLAC through jFLAC, downmixed to mono. A stream shorter than its STREAMINFO total is truncated. */
final class FlacDecoder {
    private FlacDecoder() {
    }

    static PcmAudio decode(InputStream raw, DecodeLimits limits) throws AudioDecodeException, IOException {
        SampleSink sink = new SampleSink("FLAC", limits);
        FLACDecoder dec = new FLACDecoder(onlyStreamInfo(raw));
        StreamInfo info;
        try {
            dec.readMetadata();
            info = dec.getStreamInfo();
        } catch (EOFException e) {
            throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "FLAC stream ends inside its metadata", e);
        }
        if (info == null) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC stream has no STREAMINFO block");
        sink.format(info.getSampleRate(), info.getChannels());
        int bits = info.getBitsPerSample();
        if (bits < 4 || bits > 32) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC declares " + bits + " bits per sample");
        long declared = info.getTotalSamples();
        if (declared > limits.maxSamples(info.getSampleRate())) {
            throw new AudioDecodeException(Kind.LIMIT_EXCEEDED, limits.boundByBytes(info.getSampleRate())
                    ? String.format("FLAC declares %.1f s at %d Hz: %d MiB decoded, more than the %d MiB decode limit",
                            declared / (double) info.getSampleRate(), info.getSampleRate(), declared * Float.BYTES >> 20,
                            limits.maxDecodedBytes() >> 20)
                    : String.format("FLAC declares %.1f s of audio, more than the %.0f s limit",
                            declared / (double) info.getSampleRate(), limits.maxDurationSeconds()));
        }
        int channels = info.getChannels();
        int bytes = (bits + 7) / 8;
        double scale = 1.0 / (Math.pow(2, bytes * 8 - 1) * channels);
        ByteData pcm = null;
        long frames = 0;
        while (true) {
            Frame frame;
            try {
                frame = dec.readNextFrame();
            } catch (EOFException e) {
                break;
            }
            if (frame == null) break;
            pcm = dec.decodeFrame(frame, pcm);
            byte[] b = pcm.getData();
            int n = pcm.getLen() / (bytes * channels);
            sink.ensure(n);
            int p = 0;
            for (int i = 0; i < n; i++) {
                long s = 0;
                for (int c = 0; c < channels; c++) {
                    int v = switch (bytes) {
                        case 1 -> (b[p] & 0xFF) - 128; // jFLAC writes 8-bit as unsigned, like WAV
                        case 2 -> (short) ((b[p] & 0xFF) | b[p + 1] << 8);
                        case 3 -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | b[p + 2] << 16;
                        default -> (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | b[p + 3] << 24;
                    };
                    s += v;
                    p += bytes;
                }
                sink.add((float) (s * scale));
            }
            frames += n;
        }
        if (declared > 0 && frames < declared) {
            throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, String.format(
                    "FLAC is truncated: STREAMINFO declares %d samples but only %d decode", declared, frames));
        }
        return sink.finish();
    }

    /**
     * Re-emits the stream with STREAMINFO as its only metadata block. jFLAC allocates from the counts
     * in VORBIS_COMMENT, PICTURE and friends without checking them, so a hostile header could exhaust
     * the heap; we read past those blocks ourselves (checking that their lengths fit) instead.
     */
    static InputStream onlyStreamInfo(InputStream raw) throws AudioDecodeException, IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(raw);
        byte[] magic = new byte[4];
        try {
            in.readFully(magic);
            if (magic[0] != 'f' || magic[1] != 'L' || magic[2] != 'a' || magic[3] != 'C') {
                throw new AudioDecodeException(Kind.UNSUPPORTED_FORMAT, "not a FLAC stream");
            }
            byte[] streamInfo = null;
            boolean last = false;
            int blocks = 0;
            while (!last) {
                int head = in.readUnsignedByte();
                last = (head & 0x80) != 0;
                int type = head & 0x7F;
                int len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                if (type == 127) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC metadata block of invalid type 127");
                if (++blocks > 1024) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC stream has more than 1024 metadata blocks");
                if (type == 0) {
                    if (len != 34) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC STREAMINFO block is " + len + " bytes, not 34");
                    streamInfo = new byte[34];
                    in.readFully(streamInfo);
                } else {
                    in.skipNBytes(len);
                }
            }
            if (streamInfo == null) throw new AudioDecodeException(Kind.INVALID_HEADER, "FLAC stream has no STREAMINFO block");
            byte[] header = new byte[4 + 4 + 34];
            System.arraycopy(magic, 0, header, 0, 4);
            header[4] = (byte) 0x80; // last block, type 0
            header[7] = 34;
            System.arraycopy(streamInfo, 0, header, 8, 34);
            return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(header), in);
        } catch (EOFException e) {
            throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "FLAC stream ends inside its metadata", e);
        }
    }
}
