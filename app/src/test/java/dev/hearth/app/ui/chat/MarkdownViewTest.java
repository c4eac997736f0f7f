package dev.hearth.app.ui.chat;

import dev.hearth.app.ui.HeadlessFx;
import dev.hearth.app.ui.I18n;
import javafx.scene.Node;
import javafx.scene.control.TextArea;
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

/** A streaming answer costs one block per update: finished blocks keep their nodes, the open one is rebuilt or grown. */
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
            assertNotSame(before.get(3), after.get(3));

            view.selectAll();
            assertEquals("Title\nFirst paragraph with bold.\na\nb\nSecond paragraph, still streaming", view.selectedText());
            return null;
        });
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
