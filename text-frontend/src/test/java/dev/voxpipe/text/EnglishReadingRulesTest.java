package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Each reading rule on its own: which rule claims a written form (so the table's order is tested too), how it
 * reads it, and how many following tokens it takes.
 */
class EnglishReadingRulesTest {

    @ParameterizedTest(name = "{0}: ''{1}'' -> ''{4}''")
    @CsvSource(delimiter = '|', textBlock = """
            dash                | —                 |         |          | -
            title-or-place      | Dr.               |         | Smith    | Doctor
            title-or-place      | St.               |         | street   | Street
            title-or-place      | No.               |         | 5        | number
            am-after-a-number   | am                | 7       |          | A M
            abbreviation        | etc.              |         |          | et cetera
            abbreviation        | km                |         |          | kilometers
            initials            | U.S.A.            |         |          | U S A
            email               | info@example.com  |         |          | info at example dot com
            url                 | www.example.org/x |         |          | W W W dot example dot org slash x
            currency            | $12.50            |         |          | twelve dollars and fifty cents
            currency            | €1                |         |          | one euro
            percent             | 45%               |         |          | forty five percent
            time                | 10:30             |         |          | ten thirty
            time                | 9:05pm            |         |          | nine oh five P M
            hour-am-pm          | 7pm               |         |          | seven P M
            iso-date            | 2024-03-15        |         |          | March fifteenth, twenty twenty four
            slash-date          | 3/15/2024         |         |          | March fifteenth, twenty twenty four
            ordinal             | 3rd               |         |          | third
            decade              | 1980s             |         |          | nineteen eighties
            number              | 1984              |         |          | nineteen eighty four
            number              | 15                | March   |          | fifteenth
            number              | 007               |         |          | zero zero seven
            number              | -2.5              |         |          | minus two point five
            range               | 10-20             |         |          | ten to twenty
            phone               | 555-0123          |         |          | five five five, zero one two three
            fraction            | 3/4               |         |          | three quarters
            roman-after-chapter | IV                | Chapter |          | four
            mixed               | 5kg               |         |          | five kilograms
            mixed               | IV                |         |          | IV
            """)
    void aRuleClaimsItsFormAndReadsIt(String rule, String core, String prev, String next, String spoken) {
        EnglishReadingRules.Word word = EnglishReadingRules.Word.of(core, prev == null ? "" : prev, next == null ? "" : next);
        assertEquals(rule, EnglishReadingRules.ruleFor(word));
        List<Token> out = new ArrayList<>();
        assertEquals(0, EnglishReadingRules.read(word, out), "no following token taken");
        assertEquals(spoken, EnglishNormalizer.render(out).trim());
    }

    @Test
    void aScaleWordAfterAnAmountIsTakenWithIt() {
        List<Token> out = new ArrayList<>();
        int consumed = EnglishReadingRules.read(EnglishReadingRules.Word.of("$5", "", "million"), out);
        assertEquals(1, consumed, "'million' is read with the amount");
        assertEquals("five million dollars", EnglishNormalizer.render(out));
    }

    @Test
    void everyRuleOfTheTableHasACaseAboveAndNamesAreUnique() throws Exception {
        Set<String> tested = new TreeSet<>();
        String source = new String(EnglishReadingRulesTest.class.getDeclaredMethod("aRuleClaimsItsFormAndReadsIt",
                String.class, String.class, String.class, String.class, String.class)
                .getAnnotation(CsvSource.class).textBlock());
        source.lines().map(l -> l.split("\\|")[0].trim()).filter(s -> !s.isEmpty()).forEach(tested::add);
        Set<String> names = EnglishReadingRules.TABLE.stream().map(EnglishReadingRules.Rule::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(EnglishReadingRules.TABLE.size(), names.size(), "rule names are unique");
        names.add("mixed");
        assertEquals(names, tested);
    }
}
