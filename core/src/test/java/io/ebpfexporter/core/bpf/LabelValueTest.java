package io.ebpfexporter.core.bpf;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The label encoding of host names: its documented examples, and its properties over many byte strings. */
class LabelValueTest {
    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static String of(String utf8) {
        return LabelValue.of(utf8.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidNameWithoutBackslashIsShownAsItIs() {
        for (String name : new String[] {"tn_map", "quote\"d", "new\nline", "tab\there", " spaced name ", "café", "日本",
                "\uD83D\uDE00", ""}) {
            assertEquals(name, of(name));
        }
    }

    @Test
    void backslashesAreDoubledAndInvalidBytesWrittenInHex() {
        assertEquals("back\\\\slash", of("back\\slash"));
        assertEquals("inv\\xffalid", LabelValue.of(bytes('i', 'n', 'v', 0xff, 'a', 'l', 'i', 'd')));
        assertEquals("café\\xff\\\\", LabelValue.of(bytes('c', 'a', 'f', 0xc3, 0xa9, 0xff, '\\')));
        assertEquals("caf\\xc3", LabelValue.of(bytes('c', 'a', 'f', 0xc3)), "a sequence cut short");
        assertEquals("\\x80\\xbf", LabelValue.of(bytes(0x80, 0xbf)), "continuation bytes alone");
    }

    /** A name spelling {@code \xff} and a name holding the byte 0xff: two names, two values. */
    @Test
    void aSpelledEscapeAndTheByteItNamesDiffer() {
        String spelled = of("\\xff");
        String held = LabelValue.of(bytes(0xff));
        assertEquals("\\\\xff", spelled);
        assertEquals("\\xff", held);
        assertNotEquals(spelled, held);
    }

    @Test
    void overlongFormsSurrogatesAndBeyondUnicodeAreInvalid() {
        assertEquals("\\xc0\\xaf", LabelValue.of(bytes(0xc0, 0xaf)), "overlong '/'");
        assertEquals("\\xe0\\x80\\xaf", LabelValue.of(bytes(0xe0, 0x80, 0xaf)), "overlong '/' in three bytes");
        assertEquals("\\xf0\\x80\\x80\\xaf", LabelValue.of(bytes(0xf0, 0x80, 0x80, 0xaf)), "overlong '/' in four bytes");
        assertEquals("\\xed\\xa0\\x80", LabelValue.of(bytes(0xed, 0xa0, 0x80)), "the surrogate U+D800");
        assertEquals("\\xf4\\x90\\x80\\x80", LabelValue.of(bytes(0xf4, 0x90, 0x80, 0x80)), "U+110000");
        assertEquals("\\xf5", LabelValue.of(bytes(0xf5)));
        assertEquals("\uD7FF\uE000\uDBFF\uDFFF", LabelValue.of(bytes(0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf)),
                "the last before the surrogates, the first after, and U+10FFFF");
    }

    /**
     * Over many byte strings drawn around the UTF-8 boundaries: a name Java's strict decoder accepts (and
     * without a backslash) is shown as it is, any other is escaped; every value is UTF-8 that decodes back
     * to its name, so no two names share one.
     */
    @Test
    void validAsJavasStrictDecoderSaysAndReversible() {
        int[] pool = {0, 'a', '/', '\\', 'x', 'f', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0,
                0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
        Random random = new Random(31);
        Map<String, byte[]> seen = new HashMap<>();
        for (int n = 0; n < 30_000; n++) {
            byte[] name = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < name.length; i++) {
                name[i] = (byte) pool[random.nextInt(pool.length)];
            }
            String value = LabelValue.of(name);
            String strict = strictUtf8(name);
            if (strict != null && strict.indexOf('\\') < 0) {
                assertEquals(strict, value);
            } else {
                assertTrue(value.indexOf('\\') >= 0, "an escaped name's value holds a backslash: " + value);
            }
            assertEquals(value, strictUtf8(value.getBytes(StandardCharsets.UTF_8)), "the value is valid UTF-8");
            assertArrayEquals(name, decode(value), value);
            byte[] before = seen.putIfAbsent(value, name);
            if (before != null) {
                assertArrayEquals(before, name, "two names share " + value);
            }
        }
    }

    /** The name as Java's decoder reads it with malformed input reported, or null when it refuses it. */
    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Undoes the escape: the inverse the documentation promises. */
    private static byte[] decode(String value) {
        if (value.indexOf('\\') < 0) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); ) {
            if (value.startsWith("\\\\", i)) {
                out.write('\\');
                i += 2;
            } else if (value.startsWith("\\x", i)) {
                out.write(Integer.parseInt(value.substring(i + 2, i + 4), 16));
                i += 4;
            } else {
                int cp = value.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toByteArray();
    }
}
