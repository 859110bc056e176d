package dev.voxpipe.text;

/**
 * One normalised token: a spoken word (letters and apostrophes only; a single capital letter is read as its
 * letter name) or a punctuation token from the inventory ({@code , . ? ! ; : - ...}).
 */
public record Token(String text, boolean punctuation) {
    static Token word(String w) {
        return new Token(w, false);
    }

    static Token punct(String p) {
        return new Token(p, true);
    }
}
