package dev.hearth.app.ui.sidebar;

import dev.hearth.app.store.SearchHit;
import dev.hearth.app.ui.HeadlessFx;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A search hit's excerpt in the sidebar: one line of the text a reader sees, the matches highlighted, whatever brackets the text has. */
class SearchSnippetTest {

    private static final String MATCH = String.valueOf(SearchHit.MATCH_START);
    private static final String END = String.valueOf(SearchHit.MATCH_END);

    @BeforeAll
    static void toolkit() throws Exception {
        HeadlessFx.configure();
        FxToolkit.registerPrimaryStage();
    }

    /** The pieces of a snippet as "text" or "*match*". */
    private static List<String> pieces(String marked) {
        TextFlow flow = SidebarView.snippet(marked);
        return flow.getChildren().stream().map(n -> (Text) n)
                .map(t -> t.getStyleClass().contains("hit-match") ? "*" + t.getText() + "*" : t.getText()).toList();
    }

    @Test
    void markdownIsShownAsTheTextItFormats() {
        assertEquals(List.of("Summing a CSV ", "*column*", " in Java For a simple file, java.nio.file.Files is all you need: Read the lines"),
                pieces("## Summing a CSV " + MATCH + "column" + END + " in Java\n\nFor a **simple** file, `java.nio.file.Files` is all you need:\n\n1. Read the lines"));
        assertEquals(List.of("See the ", "*docs*", " and the table quote item code"),
                pieces("See the [" + MATCH + "docs" + END + "](https://example.org/docs) and the table\n> quote\n- item\n```java\ncode"));
    }

    @Test
    void bracketsInTheTextAreTextNotMatches() {
        assertEquals(List.of("int[] a = new int[3]; a[0] = ", "*zebras*", ".length;"),
                pieces("int[] a = new int[3]; a[0] = " + MATCH + "zebras" + END + ".length;"));
        assertEquals(List.of("…東京の", "*天気*", "は晴れ（最高[25]度）…"), pieces("…東京の" + MATCH + "天気" + END + "は晴れ（最高[25]度）…"));
    }
}
