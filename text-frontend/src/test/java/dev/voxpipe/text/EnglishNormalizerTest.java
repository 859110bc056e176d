package dev.voxpipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnglishNormalizerTest {
    private final TextFrontend fe = TextFrontend.english();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "I have 3 cats.|I have three cats.",
            "It costs 1,234,567 units|It costs one million two hundred thirty four thousand five hundred sixty seven units",
            "pi is 3.14|pi is three point one four",
            "It was -5 outside|It was minus five outside",
            "the 21st and 2nd and 103rd|the twenty first and second and one hundred third",
            "born in 1984|born in nineteen eighty four",
            "in 2005 and 2010 and 1900|in two thousand five and twenty ten and nineteen hundred",
            "the 1990s|the nineteen nineties",
            "$20.50|twenty dollars and fifty cents",
            "$1|one dollar",
            "$0.99|ninety nine cents",
            "$5 million|five million dollars",
            "€3|three euros",
            "45% off|forty five percent off",
            "at 10:30|at ten thirty",
            "at 7:05pm|at seven oh five P M",
            "at 9:00|at nine o'clock",
            "at 7 am|at seven A M",
            "on March 15, 2024|on March fifteenth, twenty twenty four",
            "2024-03-15|March fifteenth, twenty twenty four",
            "Dr. Smith lives on Elm St. now|Doctor Smith lives on Elm Street now",
            "Mr. and Mrs. Jones|Mister and Missus Jones",
            "salt & pepper|salt and pepper",
            "2 + 2 = 4|two plus two equals four",
            "mail me@example.com|mail me at example dot com",
            "see www.example.org|see W W W dot example dot org",
            "the FBI and NASA|the F B I and NASA",
            "1/2 and 3/4|one half and three quarters",
            "pages 10-20|pages ten to twenty",
            "call 555-0123|call five five five, zero one two three",
            "Chapter IV|Chapter four",
            "He ran 5km.|He ran five kilometers.",
            "café naïve|cafe naive",
            "Wait... what?!|Wait... what?",
    })
    void readsWrittenFormsAsSpoken(String written, String spoken) {
        assertEquals(spoken, fe.normalize(written));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Doctor Smith paid twenty dollars and fifty cents.",
            "J R R Tolkien wrote for example this, and that?",
            "March fifteenth, twenty twenty four",
    })
    void normalisedTextIsAFixedPoint(String spoken) {
        assertEquals(spoken, fe.normalize(spoken));
        assertEquals(fe.normalize(spoken), fe.normalize(fe.normalize(spoken)));
    }
}
