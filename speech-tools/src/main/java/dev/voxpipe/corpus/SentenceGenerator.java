package dev.voxpipe.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic English sentences for the synthetic training corpus: hand-written phonetically rich sentences
 * followed by template sentences (statements, questions, exclamations, numbers, dates, times, money, short and
 * long). Same seed, same list, on every JVM ({@link Random} is specified bit-exactly).
 */
public final class SentenceGenerator {
    /** Hand-written, phonetically rich (every English phoneme, many clusters); they come first. */
    static final String[] RICH = {
            "The quick brown fox jumps over the lazy dog.",
            "She sells sea shells by the sea shore, doesn't she?",
            "A thick cloth was pushed through the narrow gap in the fence.",
            "Judge the treasure by its measure, not by the shine of its edge.",
            "Which witch watched the wristwatch while the kettle boiled?",
            "Young children enjoy the joyful noise of a thunderstorm at noon.",
            "The vision of the azure horizon was a pleasure to behold.",
            "Three thin thieves thought a thousand thoughts that Thursday.",
            "Huge waves crashed over the rocky shore as the boat drifted north.",
            "Please check the oil, the brakes and the cooling fluid before you leave.",
            "Could you bring the heavy oak chair into the hallway, please?",
            "The choir sang a cheerful song about the quiet village by the lake.",
            "Bright yellow leaves fell gently on the smooth gravel path.",
            "Do you know why the shy boy hid behind the old wooden shed?",
            "Measure twice and cut once, the carpenter always said.",
            "The juice of a lemon adds zest to a plain cup of tea.",
            "Our new neighbour owns a beige car and a huge black dog.",
            "I thought the author would sign the books at the garage sale.",
            "Put the jar of fudge on the top shelf where the mice can't reach it.",
            "The sun rose over the hills and the fog slowly lifted from the valley.",
            "Whose shoes are those, lying under the window in the lounge?",
            "He played the violin with such joy that the whole audience cheered.",
            "Many voices echoed through the cave long after the singers had gone.",
            "The usual route was closed, so we took the long road through the woods.",
            "Wait! Don't touch that wire; it might still be live.",
            "Is this the right way to the station, or should we turn left here?",
            "Every morning the baker pulls fresh loaves of rye bread from the oven.",
            "The garage door squeaked loudly each time the wind blew through the yard.",
            "Few people realise how much work goes into a single loaf of bread.",
            "Thank you for your patience; your call is important to us.",
    };

    private static final String[] NAMES = {"Anna", "Ben", "Clara", "David", "Ella", "Frank", "Grace", "Henry",
            "Isabel", "Jack", "Karen", "Leo", "Maria", "Nathan", "Olivia", "Peter", "Quinn", "Rachel", "Samuel",
            "Tara", "Victor", "Wendy", "Xavier", "Yvonne", "Zachary", "Doctor Moore", "Mrs. Chen", "Mr. Patel",
            "Professor Jones", "the captain", "my brother", "our teacher", "the old farmer", "the young pilot"};
    private static final String[] ADJECTIVES = {"small", "bright", "quiet", "heavy", "golden", "broken", "shiny",
            "ancient", "careful", "gentle", "noisy", "strange", "warm", "frozen", "purple", "narrow", "lovely",
            "enormous", "tired", "curious", "smooth", "rough", "thick", "thin", "empty", "crowded", "famous",
            "hidden", "simple", "valuable", "wooden", "plastic", "delicious", "bitter", "fresh", "dusty"};
    private static final String[] NOUNS = {"book", "garden", "window", "letter", "bicycle", "kitchen", "river",
            "mountain", "engine", "violin", "basket", "journey", "question", "picture", "machine", "treasure",
            "village", "notebook", "umbrella", "thunderstorm", "orchestra", "telephone", "shoe", "jacket", "bridge",
            "candle", "puzzle", "garage", "measure", "rhythm", "voyage", "cabbage", "feather", "anchor", "mirror",
            "ticket", "pocket", "lantern", "chimney", "harbour", "meadow", "island", "blanket", "market", "museum"};
    private static final String[] PLACES = {"the station", "the library", "the beach", "the hospital",
            "the office", "the museum", "the airport", "the old bridge", "the market square", "the north gate",
            "the village church", "the hotel lobby", "the city park", "the shopping centre", "the harbour"};
    private static final String[] VERBS_PAST = {"found", "painted", "carried", "borrowed", "repaired", "described",
            "noticed", "dropped", "bought", "sold", "measured", "washed", "opened", "closed", "watched", "chose",
            "pushed", "pulled", "threw", "caught", "hid", "shared", "forgot", "remembered", "delivered", "judged"};
    private static final String[] VERBS = {"find", "paint", "carry", "borrow", "repair", "describe", "notice",
            "buy", "sell", "measure", "wash", "open", "close", "watch", "choose", "push", "pull", "share", "deliver"};
    private static final String[] ADVERBS = {"quickly", "slowly", "carefully", "quietly", "happily", "suddenly",
            "eventually", "rarely", "gently", "proudly", "nervously", "cheerfully", "yesterday", "this morning",
            "last winter", "every Sunday", "at midnight", "before lunch"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December"};
    private static final String[] CONNECTORS = {"because", "although", "while", "but", "so", "and then",
            "even though", "until", "after", "as soon as"};
    private static final String[] INTERJECTIONS = {"Yes.", "No.", "Really?", "Of course!", "Thank you.",
            "Good morning.", "Goodbye.", "Wait!", "Not yet.", "Why not?", "Absolutely.", "Please hold.",
            "Hello there!", "Well done!", "Excuse me?", "I see.", "Try again.", "Welcome back!"};

    private SentenceGenerator() {
    }

    /** {@code count} distinct sentences: {@link #RICH} first, then templates driven by {@code seed}. */
    public static List<String> generate(int count, long seed) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : RICH) {
            if (out.size() >= count) break;
            out.add(s);
        }
        Random r = new Random(seed);
        int guard = 0;
        while (out.size() < count && guard++ < count * 50) {
            out.add(template(r));
        }
        return new ArrayList<>(out);
    }

    private static String pick(Random r, String[] list) {
        return list[r.nextInt(list.length)];
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String clause(Random r) {
        return pick(r, NAMES) + " " + pick(r, VERBS_PAST) + " the " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS)
                + " " + pick(r, ADVERBS);
    }

    private static String template(Random r) {
        return switch (r.nextInt(16)) {
            case 0, 1 -> cap(clause(r)) + ".";
            case 2 -> cap(clause(r)) + " near " + pick(r, PLACES) + ".";
            case 3 -> "Did " + pick(r, NAMES) + " " + pick(r, VERBS) + " the " + pick(r, ADJECTIVES) + " "
                    + pick(r, NOUNS) + "?";
            case 4 -> "Why would anyone " + pick(r, VERBS) + " a " + pick(r, NOUNS) + " at " + pick(r, PLACES) + "?";
            case 5 -> cap(clause(r)) + ", " + pick(r, CONNECTORS) + " " + clause(r) + ".";
            case 6 -> cap(clause(r)) + ", " + pick(r, CONNECTORS) + " " + clause(r) + "; " + pick(r, CONNECTORS)
                    + " nobody noticed the " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS) + " at " + pick(r, PLACES)
                    + ".";
            case 7 -> "The " + pick(r, NOUNS) + " cost $" + (1 + r.nextInt(500)) + "." + String.format("%02d", r.nextInt(100))
                    + " at " + pick(r, PLACES) + ".";
            case 8 -> cap(pick(r, NAMES)) + " was born on " + pick(r, MONTHS) + " " + (1 + r.nextInt(28)) + ", "
                    + (1920 + r.nextInt(100)) + ".";
            case 9 -> "The train to " + pick(r, PLACES).replace("the ", "") + " leaves at " + (1 + r.nextInt(12)) + ":"
                    + String.format("%02d", r.nextInt(12) * 5) + (r.nextBoolean() ? " am." : " pm.");
            case 10 -> "About " + (2 + r.nextInt(98)) + "% of the " + pick(r, NOUNS) + "s were " + pick(r, ADJECTIVES)
                    + ", and " + (1 + r.nextInt(9999)) + " of them were " + pick(r, ADJECTIVES) + ".";
            case 11 -> pick(r, INTERJECTIONS);
            case 12 -> "Press " + (r.nextInt(9) + 1) + " to " + pick(r, VERBS) + " the " + pick(r, NOUNS) + ", or "
                    + (r.nextInt(9) + 1) + " to hear these options again.";
            case 13 -> "What a " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS) + " that was!";
            case 14 -> "It was the " + ordinal(1 + r.nextInt(40)) + " time " + pick(r, NAMES) + " had seen "
                    + (2 + r.nextInt(20)) + " " + pick(r, ADJECTIVES) + " " + pick(r, NOUNS) + "s in one day.";
            default -> "Where did " + pick(r, NAMES) + " put the " + pick(r, NOUNS) + " that was in the "
                    + pick(r, NOUNS) + "?";
        };
    }

    private static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
