package dev.voxpipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WerRatioIntervalTest {

    private static EvaluationReport.ItemResult item(String text, String hypothesis, String referenceHypothesis) {
        return new EvaluationReport.ItemResult("id", text, null, null, null, null, 0, 0, null, null, 1, 1, hypothesis,
                null, referenceHypothesis, null, null);
    }

    @Test
    void theRatioIsTheReportsAndTheIntervalBracketsIt() {
        List<EvaluationReport.ItemResult> items = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            // the recording misses one word in every second prompt, the rendering one in every prompt and two in every fifth
            String text = "press one for sales and two for support";
            String recording = k % 2 == 0 ? "press one for sails and two for support" : text;
            String rendering = k % 5 == 0 ? "press won for sails and two for support" : "press one for sails and two for support";
            items.add(item(text, rendering, recording));
        }
        WerRatioInterval.Interval interval = WerRatioInterval.of(items);
        assertEquals(48.0 / 20.0, interval.ratio(), 1e-12, "rendering errors over recording errors");
        assertEquals(40, interval.prompts());
        assertTrue(interval.low() < interval.ratio() && interval.ratio() < interval.high(), interval.format());
        // with 20 recording errors in 40 prompts the denominator itself varies by about a fifth
        assertTrue(interval.low() > 1.6 && interval.low() < 2.1 && interval.high() > 2.9 && interval.high() < 3.8, interval.format());
        assertEquals(interval, WerRatioInterval.of(items), "seeded: the same report gives the same interval");
    }

    @Test
    void fewerPromptsGiveAWiderInterval() {
        List<WerRatioInterval.PromptErrors> many = new ArrayList<>();
        for (int k = 0; k < 160; k++) many.add(new WerRatioInterval.PromptErrors(k % 3 == 0 ? 2 : 1, k % 2));
        WerRatioInterval.Interval wide = WerRatioInterval.ofErrors(many.subList(0, 20), 4000, 1);
        WerRatioInterval.Interval narrow = WerRatioInterval.ofErrors(many, 4000, 1);
        assertTrue(wide.high() - wide.low() > 1.5 * (narrow.high() - narrow.low()), wide.format() + " against " + narrow.format());
    }

    @Test
    void pooledReportsGiveOneIntervalOverAllTheirPrompts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // two prompt sets: the rendering misses 2 words where the recording misses 1 in the first, 1 for 2 in the second
        List<EvaluationReport.ItemResult> first = new ArrayList<>();
        List<EvaluationReport.ItemResult> second = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            first.add(item("press one for sales", "press won four sales", "press won for sales"));
            second.add(item("press two for support", "press to for support", "press to four support"));
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        json.writeValue(dir.resolve("a.json").toFile(), new EvaluationReport("a", null, first));
        json.writeValue(dir.resolve("b.json").toFile(), new EvaluationReport("b", null, second));
        var printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            WerRatioInterval.main(new String[]{"--pooled", dir.resolve("a.json").toString(), dir.resolve("b.json").toString()});
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("a.json: 2.00×"), out);
        assertTrue(out.contains("b.json: 0.50×"), out);
        // 30 rendering errors over 30 recording errors, over the 20 prompts of both
        assertTrue(out.contains("pooled, 2 reports: 1.00× (") && out.contains("over 20 prompts\n"), out);
    }

    @Test
    void noRecordingErrorsOrNoHypothesesGiveNoInterval() {
        assertNull(WerRatioInterval.of(List.of(item("press one", "press won", "press one"))), "recordings perfect: no ratio");
        assertNull(WerRatioInterval.of(List.of(item("press one", null, null))), "no recogniser run");
    }
}
