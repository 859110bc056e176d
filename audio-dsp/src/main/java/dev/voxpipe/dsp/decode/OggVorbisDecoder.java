package dev.voxpipe.dsp.decode;

import com.jcraft.jogg.Packet;
import com.jcraft.jogg.Page;
import com.jcraft.jogg.StreamState;
import com.jcraft.jogg.SyncState;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.decode.AudioDecodeException.Kind;

import java.io.IOException;
import java.io.InputStream;

/** Ogg Vorbis through JOrbis (first logical stream only), downmixed to mono. */
final class OggVorbisDecoder {
    private static final int CHUNK = 8192;
    /** Garbage tolerated before the first Ogg page. */
    private static final int MAX_BYTES_BEFORE_HEADERS = 1 << 20;

    private OggVorbisDecoder() {
    }

    static PcmAudio decode(InputStream in, DecodeLimits limits) throws AudioDecodeException, IOException {
        SampleSink sink = new SampleSink("Ogg Vorbis", limits);
        SyncState oy = new SyncState();
        StreamState os = new StreamState();
        Page og = new Page();
        Packet op = new Packet();
        Info vi = new Info();
        Comment vc = new Comment();
        oy.init();
        long read = 0;
        int headers = 0;
        boolean streamInit = false;
        int serial = 0;
        while (headers < 3) {
            int r = oy.pageout(og);
            if (r == 0) {
                int idx = oy.buffer(CHUNK);
                int n = in.read(oy.data, idx, CHUNK);
                if (n <= 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "Ogg Vorbis stream ends inside its headers");
                oy.wrote(n);
                read += n;
                if (read > MAX_BYTES_BEFORE_HEADERS) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "no Vorbis headers in the first MiB of the Ogg stream");
                continue;
            }
            if (r < 0) continue;
            if (!streamInit) {
                serial = og.serialno();
                os.init(serial);
                vi.init();
                vc.init();
                streamInit = true;
            }
            if (og.serialno() != serial) continue; // another logical stream
            os.pagein(og);
            while (headers < 3) {
                int p = os.packetout(op);
                if (p == 0) break;
                if (p < 0) throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT, "corrupt Vorbis header packet");
                if (vi.synthesis_headerin(vc, op) < 0) {
                    throw new AudioDecodeException(headers == 0 ? Kind.UNSUPPORTED_FORMAT : Kind.INVALID_HEADER,
                            headers == 0 ? "Ogg stream does not carry Vorbis audio" : "invalid Vorbis header packet " + (headers + 1));
                }
                headers++;
            }
        }
        sink.format(vi.rate, vi.channels);
        DspState vd = new DspState();
        Block vb = new Block(vd);
        vd.synthesis_init(vi);
        vb.init(vd);
        float[][][] pcm = new float[1][][];
        int[] index = new int[vi.channels];
        int channels = vi.channels;
        float inv = 1f / channels;
        boolean eos = false;
        while (true) {
            int p = os.packetout(op);
            if (p == 0) {
                if (eos) break;
                int r = oy.pageout(og);
                if (r == 0) {
                    int idx = oy.buffer(CHUNK);
                    int n = in.read(oy.data, idx, CHUNK);
                    if (n <= 0) {
                        throw new AudioDecodeException(Kind.TRUNCATED_OR_CORRUPT,
                                String.format("Ogg Vorbis stream is truncated: it ends after %.2f s without its end-of-stream page",
                                        sink.finish().durationSeconds()));
                    }
                    if ((read += n) > limits.maxInputBytes()) throw new AudioDecodeException(Kind.LIMIT_EXCEEDED, "input is larger than the byte limit");
                    oy.wrote(n);
                    continue;
                }
                if (r < 0 || og.serialno() != serial) continue; // hole or another stream
                os.pagein(og);
                if (og.eos() != 0) eos = true;
                continue;
            }
            if (p < 0) continue; // gap in the data: skip
            if (vb.synthesis(op) == 0) vd.synthesis_blockin(vb);
            int samples;
            while ((samples = vd.synthesis_pcmout(pcm, index)) > 0) {
                sink.ensure(samples);
                float[][] ch = pcm[0];
                for (int i = 0; i < samples; i++) {
                    float s = 0;
                    for (int c = 0; c < channels; c++) s += ch[c][index[c] + i];
                    sink.add(s * inv);
                }
                vd.synthesis_read(samples);
            }
        }
        return sink.finish();
    }
}
