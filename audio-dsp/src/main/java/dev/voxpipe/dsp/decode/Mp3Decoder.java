package dev.voxpipe.dsp.decode;

import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.decode.AudioDecodeException.Kind;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

import java.io.InputStream;

/** MPEG audio (Layer III, also I/II) through JLayer, downmixed to mono. */
final class Mp3Decoder {
    private static final int MAX_BAD_FRAMES = 16;

    private Mp3Decoder() {
    }

    static PcmAudio decode(InputStream in, DecodeLimits limits) throws AudioDecodeException {
        SampleSink sink = new SampleSink("MP3", limits);
        Bitstream bs = new Bitstream(in);
        Decoder decoder = new Decoder();
        int frames = 0, bad = 0;
        try {
            while (true) {
                Header h;
                try {
                    h = bs.readFrame();
                } catch (BitstreamException e) {
                    if (frames == 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "no decodable MPEG audio frame: " + e.getMessage(), e);
                    break; // trailing garbage or a cut-off last frame
                }
                if (h == null) break;
                SampleBuffer out;
                try {
                    out = (SampleBuffer) decoder.decodeFrame(h, bs);
                } catch (DecoderException | RuntimeException e) {
                    bs.closeFrame();
                    if (++bad > MAX_BAD_FRAMES) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "MP3 has more than " + MAX_BAD_FRAMES + " undecodable frames", e);
                    continue;
                }
                if (frames == 0) sink.format(decoder.getOutputFrequency(), decoder.getOutputChannels());
                int channels = decoder.getOutputChannels();
                short[] buf = out.getBuffer();
                int len = out.getBufferLength();
                int n = len / channels;
                sink.ensure(n);
                float scale = 1f / (32768f * channels);
                for (int i = 0; i < n; i++) {
                    int s = 0;
                    for (int c = 0; c < channels; c++) s += buf[i * channels + c];
                    sink.add(s * scale);
                }
                frames++;
                bs.closeFrame();
            }
        } finally {
            try {
                bs.close();
            } catch (BitstreamException ignored) {
                // closing a broken stream: nothing more to learn
            }
        }
        if (frames == 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "MP3 stream holds no decodable frame");
        return sink.finish();
    }
}
