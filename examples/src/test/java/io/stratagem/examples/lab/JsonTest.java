package io.stratagem.examples.lab;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {

    @Test
    void write_escapesEveryCharacterJsonRequires() {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 line-sep \u2028 é 😀";
        String json = Json.write(Map.of("s", nasty));
        assertEquals(nasty, JsonParser.parseString(json).getAsJsonObject().get("s").getAsString());
    }

    @Test
    void write_keepsKeyOrderAndNumbersExact() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", 2.5);
        m.put("big", 123456789012L);
        m.put("third", 1.0 / 3);
        m.put("none", null);
        m.put("list", List.of(1, "x", true));
        m.put("empty", List.of());
        m.put("nested", Map.of());
        String json = Json.write(m);
        assertEquals(List.of("z", "a", "big", "third", "none", "list", "empty", "nested"),
                List.copyOf(JsonParser.parseString(json).getAsJsonObject().keySet()));
        var o = JsonParser.parseString(json).getAsJsonObject();
        assertEquals(2.5, o.get("a").getAsDouble());
        assertEquals(123456789012L, o.get("big").getAsLong());
        assertEquals(0.333, o.get("third").getAsDouble());
        assertEquals(3, o.getAsJsonArray("list").size());
    }

    @Test
    void write_rejectsWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Arrays.asList(1, new StringBuilder())));
    }
}
