package dev.hearth.app.ui.chat;

import dev.hearth.app.ui.HeadlessFx;
import dev.hearth.app.ui.I18n;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TextArea;
import javafx.scene.layout.StackPane;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A streaming answer costs one block per update: finished blocks keep their nodes, the open one is changed in place or rebuilt. */
class MarkdownViewTest {

    private static final String START = "# Title\n\nFirst paragraph with **bold**.\n\n- a\n- b\n\nSecond par";

    @BeforeAll
    static void toolkit() throws Exception {
        HeadlessFx.configure();
        FxToolkit.registerPrimaryStage();
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        FutureTask<T> task = new FutureTask<>(work);
        javafx.application.Platform.runLater(task);
        return task.get();
    }

    private static MarkdownView view() {
        return new MarkdownView(new I18n(Locale.ENGLISH));
    }

    /** The block nodes, without the selection highlight that comes last. */
    private static List<Node> blocks(MarkdownView view) {
        return List.copyOf(view.getChildren().subList(0, view.getChildren().size() - 1));
    }

    @Test
    void appendingTextRebuildsOnlyTheLastBlock() throws Exception {
        onFx(() -> {
            MarkdownView view = view();
            view.setMarkdown(START);
            List<Node> before = blocks(view);
            assertEquals(4, before.size());

            view.setMarkdown(START + "agraph, still streaming");
            List<Node> after = blocks(view);
            assertEquals(before.subList(0, 3), after.subList(0, 3), "finished blocks keep their nodes");
            assertSame(before.get(3), after.get(3), "the paragraph being streamed into is changed in place");

            view.selectAll();
            assertEquals("Title\nFirst paragraph with bold.\na\nb\nSecond paragraph, still streaming", view.selectedText());
            return null;
        });
    }

    @Test
    void aStreamedParagraphShowsItsNewTextStylesAndHeightAndBecomesAHeadingWhenItIsOne() throws Exception {
        onFx(() -> {
            MarkdownView view = view();
            Scene scene = new Scene(new StackPane(view), 300, 2000);
            view.setMarkdown("Intro.\n\nA short start");
            layOut(scene);
            Node paragraph = blocks(view).get(1);
            double shortHeight = paragraph.getLayoutBounds().getHeight();

            String longer = "Intro.\n\nA short start, then **bold** words and a_very_long_identifier_wider_than_the_whole_column_of_text_"
                    + "is_here, and " + "many more words to wrap onto several lines ".repeat(6);
            view.setMarkdown(longer);
            layOut(scene);
            assertSame(paragraph, blocks(view).get(1));
            assertEquals(List.of("md-text", "md-strong"), ((TextFlow) paragraph).getChildren().stream()
                    .map(n -> (Text) n).filter(t -> t.getText().equals("bold")).findFirst().orElseThrow().getStyleClass());
            MarkdownView fresh = view();
            Scene other = new Scene(new StackPane(fresh), 300, 2000);
            fresh.setMarkdown(longer);
            layOut(other);
            double grown = paragraph.getLayoutBounds().getHeight();
            assertTrue(grown > 3 * shortHeight, "the paragraph grew to " + grown + " px from " + shortHeight);
            assertEquals(blocks(fresh).get(1).getLayoutBounds().getHeight(), grown, 0.5, "as tall as the same text shown anew");
            assertEquals(fresh.getHeight(), view.getHeight(), 0.5);

            view.setMarkdown("Intro.\n\n## A heading after all");
            assertNotSame(paragraph, blocks(view).get(1));
            assertTrue(blocks(view).get(1).getStyleClass().contains("md-h2"));
            return null;
        });
    }

    private static void layOut(Scene scene) {
        scene.getRoot().applyCss();
        scene.getRoot().layout();
    }

    @Test
    void anOpenCodeBlockGrowsInPlaceAndChangingAnEarlyBlockRebuildsFromThere() throws Exception {
        onFx(() -> {
            MarkdownView view = view();
            view.setMarkdown("Intro.\n\n```java\nint a = 1;\n");
            Node code = blocks(view).get(1);
            view.setMarkdown("Intro.\n\n```java\nint a = 1;\nint b = 2;\n");
            assertSame(code, blocks(view).get(1), "the code block is extended, not rebuilt");
            assertEquals("int a = 1;\nint b = 2;", ((TextArea) code.lookup(".md-code")).getText());

            view.setMarkdown("Intro, edited.\n\n```java\nint a = 1;\nint b = 2;\n```\n");
            assertNotSame(code, blocks(view).get(1));
            assertEquals(2, blocks(view).size());
            return null;
        });
    }
}
