package dev.hearth.app.ui.chat;

import dev.hearth.app.ui.StreamBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatViewModelTest {

    @Test
    void aNewChatIsTitledByTheFirstLineOfItsFirstMessage() {
        assertEquals("How do I bake bread?", ChatViewModel.title("  How do I bake bread?\nI have flour and yeast."));
        String long_ = "a".repeat(200);
        assertEquals(ChatViewModel.TITLE_LENGTH, ChatViewModel.title(long_).length());
        assertEquals('…', ChatViewModel.title(long_).charAt(ChatViewModel.TITLE_LENGTH - 1));
    }

    @Test
    void streamedTokensReachTheUiAsOneUpdatePerDrainInOrder() {
        ArrayDeque<Runnable> uiQueue = new ArrayDeque<>();
        List<String> updates = new ArrayList<>();
        StreamBuffer buffer = new StreamBuffer(uiQueue::add, updates::add);

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            buffer.add("t" + i + " ");
            expected.append("t").append(i).append(' ');
        }
        expected.append("last");

        assertEquals(1, uiQueue.size(), "however many tokens arrive, one UI task waits at a time");
        uiQueue.poll().run();
        buffer.add("last");
        uiQueue.poll().run();
        assertEquals(2, updates.size());
        assertEquals(expected.toString(), String.join("", updates));
    }
}
