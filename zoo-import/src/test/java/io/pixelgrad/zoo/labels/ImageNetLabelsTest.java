package io.pixelgrad.zoo.labels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ImageNet class table, checked against well-known indices of the ILSVRC2012 ordering. */
class ImageNetLabelsTest {

    private final ImageNetLabels labels = ImageNetLabels.get();

    @Test
    void thousandClassesInTheStandardOrder() {
        assertEquals(1000, labels.size());
        assertEquals("tench", labels.name(0));
        assertEquals("goldfish", labels.name(1));
        assertEquals("tabby", labels.name(281));
        assertEquals("Egyptian cat", labels.name(285));
        assertEquals("toilet tissue", labels.name(999));
        assertEquals(java.util.List.of("tabby", "tabby cat"), labels.synonyms(281));
    }

    @Test
    void resolvesIndicesExactNamesAndUniquePrefixesIgnoringCase() throws Exception {
        assertEquals(281, labels.resolve("281"));
        assertEquals(281, labels.resolve("Tabby Cat"));
        assertEquals(285, labels.resolve("egyptian"));
        assertEquals(292, labels.resolve("tiger")); // exact synonym beats the prefix of "tiger cat", "tiger shark"
        assertEquals(0, labels.resolve(" tench "));
    }

    @Test
    void ambiguousNamesListTheCandidates() {
        UnknownClassException e = assertThrows(UnknownClassException.class, () -> labels.resolve("crane"));
        assertEquals("class name 'crane' is ambiguous: 134 (crane), 517 (crane); give the index", e.getMessage());
        e = assertThrows(UnknownClassException.class, () -> labels.resolve("siam"));
        assertTrue(e.getMessage().startsWith("class name 'siam' is ambiguous: it starts "), e.getMessage());
    }

    @Test
    void unknownNamesListCloseMatches() {
        UnknownClassException e = assertThrows(UnknownClassException.class, () -> labels.resolve("tabbby"));
        assertTrue(e.getMessage().startsWith("unknown class name 'tabbby'; closest: 281 (tabby)"), e.getMessage());
        e = assertThrows(UnknownClassException.class, () -> labels.resolve("1000"));
        assertEquals("class 1000 out of range: the model has 1000 classes", e.getMessage());
        e = assertThrows(UnknownClassException.class, () -> labels.resolve("tabby", 10));
        assertTrue(e.getMessage().contains("this model has 10 classes; give an index 0..9"), e.getMessage());
    }
}
