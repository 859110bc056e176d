package dev.voxpipe.model.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.voxpipe.model.VoiceModelRuntime;

/**
 * Does the same text in the same voice give the same audio every time, while another thread allocates and frees
 * native memory? Compares the acoustic model's log-mels and F0 and the vocoded audio, bit for bit.
 *
 * <pre>SynthesisRepeatability [--runs 4] [--churn true]</pre>
 */
public final class SynthesisRepeatability {
    private SynthesisRepeatability() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = BenchArgs.parse(args);
        int runs = Integer.parseInt(a.getOrDefault("runs", "4"));
        boolean churn = Boolean.parseBoolean(a.getOrDefault("churn", "true"));
        List<String> text = List.of("The conference will begin when the leader arrives.",
                "Please enter your password, followed by the pound key.", "Thank you for calling.");
        VoiceModelRuntime runtime = VoiceModelRuntime.loadBase();
        VoiceModelRuntime.Rendering firstMels = runtime.rendering(runtime.meanVoice(), text, 1.0);
        List<float[]> firstAudio = runtime.synthesize(runtime.meanVoice(), text, 1.0).audio();
        AllocationChurn other = churn ? AllocationChurn.start(0) : null;
        for (int r = 0; r < runs; r++) {
            VoiceModelRuntime.Rendering mels = runtime.rendering(runtime.meanVoice(), text, 1.0);
            List<float[]> audio = runtime.synthesize(runtime.meanVoice(), text, 1.0).audio();
            int melDiff = 0;
            int f0Diff = 0;
            int audioDiff = 0;
            for (int i = 0; i < text.size(); i++) {
                if (!Arrays.deepEquals(firstMels.logMels().get(i), mels.logMels().get(i))) melDiff++;
                if (!Arrays.equals(firstMels.f0Hz().get(i), mels.f0Hz().get(i))) f0Diff++;
                if (!Arrays.equals(firstAudio.get(i), audio.get(i))) audioDiff++;
            }
            System.out.printf(Locale.ROOT, "run %d: sentences differing: log-mel %d, F0 %d, audio %d of %d%n", r, melDiff,
                    f0Diff, audioDiff, text.size());
        }
        if (other != null) other.close();
    }
}
