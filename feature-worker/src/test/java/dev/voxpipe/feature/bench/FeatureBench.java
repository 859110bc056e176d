package dev.voxpipe.feature.bench;

import dev.voxpipe.dsp.Loudness;
import dev.voxpipe.dsp.MelConfig;
import dev.voxpipe.dsp.MelSpectrogram;
import dev.voxpipe.dsp.PcmAudio;
import dev.voxpipe.dsp.PitchTracker;
import dev.voxpipe.dsp.Resampler;
import dev.voxpipe.dsp.WavIo;
import dev.voxpipe.dsp.decode.AudioDecoder;
import dev.voxpipe.dsp.decode.DecodeLimits;
import dev.voxpipe.dsp.slice.SilenceSlicer;
import dev.voxpipe.dsp.slice.SlicerConfig;
import dev.voxpipe.feature.dsp.FeatureExtractor;
import dev.voxpipe.feature.dsp.PreparedClip;
import dev.voxpipe.feature.dsp.PreparedUpload;
import dev.voxpipe.feature.dsp.PreprocessSettings;
import dev.voxpipe.feature.dsp.UploadPreprocessor;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Single-core DSP throughput on the 60 s real-speaker upload, in seconds of audio per second
 * (x real time), each stage and the whole chain, next to reference tools measured in the same run
 * (bench/feature/run.sh pins everything to one core and runs the references). Prints one
 * "RESULT name xRT" line per measurement.
 *
 * <p>Args: [workDir] where the 44.1 kHz / 32 kHz copies are written for the reference tools.
 */
public final class FeatureBench {
    static volatile Object sink;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench");
        Files.createDirectories(work);
        byte[] wav16;
        try (InputStream in = FeatureBench.class.getResourceAsStream("/real-speaker/upload-60s.wav")) {
            wav16 = in.readAllBytes();
        }
        PcmAudio a16 = WavIo.read(wav16);
        double seconds = a16.durationSeconds();
        // The 44.1 kHz copy is the benchmark's input: a typical upload rate that needs a real resample.
        PcmAudio a44 = new PcmAudio(Resampler.resample(a16.samples(), 16000, 44100), 44100);
        byte[] wav44 = WavIo.toWav16(a44);
        Files.write(work.resolve("upload-60s-44k.wav"), wav44);
        PcmAudio a32 = new PcmAudio(Resampler.resample(a44.samples(), 44100, 32000), 32000);
        WavIo.writeWav16(a32, work.resolve("upload-60s-32k.wav"));
        System.out.printf(Locale.ROOT, "INFO audio %.2f s; cores visible to the JVM: %d%n", seconds, Runtime.getRuntime().availableProcessors());

        MelSpectrogram mel = new MelSpectrogram(MelConfig.defaults());
        PitchTracker pitch = PitchTracker.defaults();
        SilenceSlicer slicer = new SilenceSlicer(SlicerConfig.defaults());
        UploadPreprocessor pre = new UploadPreprocessor(PreprocessSettings.defaults());
        FeatureExtractor fx = new FeatureExtractor(PreprocessSettings.defaults());

        report("decode-wav-44k", seconds, () -> decode(wav44));
        report("resample-44k-32k", seconds, () -> Resampler.resample(a44.samples(), 44100, 32000));
        report("loudness-integrated-44k", seconds, () -> Loudness.integratedLoudness(a44.samples(), 44100));
        report("loudness-integrated-32k", seconds, () -> Loudness.integratedLoudness(a32.samples(), 32000));
        report("true-peak-32k", seconds, () -> Loudness.truePeakDbtp(a32.samples(), 32000));
        report("slice-32k", seconds, () -> slicer.slice(a32.samples(), 32000));
        report("mel-32k", seconds, () -> mel.logMel(a32.samples()));
        report("f0-32k", seconds, () -> pitch.f0(a32.samples(), 32000, 320));
        report("chain-44k-wav", seconds, () -> chain(pre, fx, wav44));
        report("chain-16k-wav", seconds, () -> chain(pre, fx, wav16));
    }

    static PcmAudio decode(byte[] b) {
        try {
            return AudioDecoder.decode(new ByteArrayInputStream(b), DecodeLimits.defaults());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Everything the worker does to an upload: decode, resample, loudness, slice, gate, normalise, then mel + F0 per clip. */
    static List<FeatureExtractor.Features> chain(UploadPreprocessor pre, FeatureExtractor fx, byte[] wav) {
        try {
            PreparedUpload up = pre.prepare(new ByteArrayInputStream(wav), null);
            List<FeatureExtractor.Features> out = new ArrayList<>();
            for (PreparedClip c : up.clips()) if (c.accepted()) out.add(fx.extract(c.normalized(), c.sampleRate()));
            if (out.size() < 10) throw new IllegalStateException("only " + out.size() + " clips");
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** Every figure gathers at least this much CPU time over its runs, so a 10 ms CPU-clock tick weighs under 0.5 %. */
    static final double MIN_TOTAL_CPU_S = 2.0;
    /** Each run repeats the work until it has taken at least this much CPU time (at least 20 ticks). */
    static final double MIN_RUN_CPU_S = 0.2;

    /**
     * Warm up for ~2 s, then runs, each repeating the work until it took {@link #MIN_RUN_CPU_S}, until the runs
     * together took {@link #MIN_TOTAL_CPU_S} of CPU (and at least 5 runs); the ratio is the median
     * run's, by the process's CPU time and by wall clock, and the line shows the min and median run. On a
     * shared machine the wall figure depends on what else runs; CPU time much less.
     */
    static void report(String name, double audioSeconds, Supplier<Object> work) {
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        int warm = 0;
        while (System.nanoTime() < warmEnd || warm < 3) {
            sink = work.get();
            warm++;
        }
        List<Double> wall = new ArrayList<>(), cpu = new ArrayList<>();
        double totalCpu = 0;
        int passes = 0;
        while (totalCpu < MIN_TOTAL_CPU_S || cpu.size() < 5) {
            long c0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            int k = 0;
            long runCpu;
            do { // one run: as many passes as take MIN_RUN_CPU_S of CPU
                sink = work.get();
                k++;
                runCpu = OS.getProcessCpuTime() - c0;
            } while (runCpu < MIN_RUN_CPU_S * 1e9);
            wall.add((System.nanoTime() - t0) / 1e9 / k);
            cpu.add(runCpu / 1e9 / k);
            totalCpu += runCpu / 1e9;
            passes += k;
        }
        Collections.sort(wall);
        Collections.sort(cpu);
        double medianWall = wall.get(wall.size() / 2), medianCpu = Math.max(cpu.get(cpu.size() / 2), 1e-6);
        System.out.printf(Locale.ROOT, "RESULT %-28s cpu %8.1f x real time  wall %8.1f x real time  "
                        + "(CPU per %.0f s: min %.3f ms, median %.3f ms; %d passes in %d runs, %.2f s CPU)%n",
                name, audioSeconds / medianCpu, audioSeconds / medianWall, audioSeconds,
                cpu.get(0) * 1000, medianCpu * 1000, passes, cpu.size(), totalCpu);
    }
}
