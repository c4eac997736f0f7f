package dev.hearth.app.ui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class I18nBundlesTest {

    private static Properties bundle(String suffix) throws IOException {
        Properties p = new Properties();
        try (InputStream in = I18nBundlesTest.class.getResourceAsStream("/dev/hearth/app/ui/i18n/messages" + suffix + ".properties")) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void englishAndJapaneseHaveTheSameKeysAndNoEmptyText() throws IOException {
        Properties en = bundle(""), ja = bundle("_ja");
        assertEquals(new TreeSet<>(en.stringPropertyNames()), new TreeSet<>(ja.stringPropertyNames()));
        for (Properties p : List.of(en, ja)) {
            for (String key : p.stringPropertyNames()) assertTrue(!p.getProperty(key).isBlank(), "empty text for " + key);
        }
    }

    @Test
    void japaneseIsActuallyJapanese() throws IOException {
        Properties ja = bundle("_ja");
        assertTrue(ja.getProperty("sidebar.newChat").codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA
                || Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN || Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA));
        assertEquals("新しいチャット", new I18n(Locale.JAPAN).get("sidebar.newChat"));
        assertEquals("New chat", new I18n(Locale.GERMANY).get("sidebar.newChat"), "unsupported languages fall back to English");
    }

    @Test
    void everyKeyTheCodeUsesExists() throws IOException {
        Properties en = bundle("");
        Pattern used = Pattern.compile("(?:text|get|bind)\\(\"([a-z][A-Za-z0-9_]*\\.[A-Za-z0-9_.]*[A-Za-z0-9_])\"");
        List<String> missing = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = used.matcher(Files.readString(file));
            while (m.find()) if (!en.containsKey(m.group(1))) missing.add(file.getFileName() + ": " + m.group(1));
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void noViewSetsALiteralString() throws IOException {
        Pattern literal = Pattern.compile("(setText|setTitle|setHeaderText|setContentText|setPromptText|new Label|new Button|new MenuItem|new Tooltip)\\(\"[^\"]*\\p{L}");
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = literal.matcher(Files.readString(file));
            while (m.find()) offenders.add(file.getFileName() + ": " + m.group());
        }
        assertEquals(List.of(), offenders);
    }

    private static List<Path> sources() throws IOException {
        try (var files = Files.walk(Path.of("src/main/java/dev/hearth/app/ui"))) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
