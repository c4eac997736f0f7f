package dev.hearth.app.store;

import java.nio.file.Path;
import java.util.Random;

/**
 * Run in a child JVM by {@link CrashSafetyTest}: streams replies into the store through the real API and
 * reports on stdout what is known to be committed, until it is killed.
 */
public final class StreamingChild {
    private StreamingChild() {}

    static String userText(long round) {
        return "question " + round + " 東京の天気は？";
    }

    static String piece(int k) {
        return "tok" + k + (k % 7 == 0 ? "。" : " ");
    }

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        try (ConversationStore store = ConversationStore.open(database)) {
            System.out.println("ready");
            System.out.flush();
            for (long round = 0; ; round++) {
                Conversation conversation = store.createConversation(NewConversation.titled("crash " + round));
                Message user = store.addUserMessage(conversation.id(), null, userText(round));
                report("committed " + user.id() + " " + user.content().length());
                ReplyWriter reply = store.beginReply(conversation.id(), user.id(), "test-model");
                report("begun " + reply.messageId());
                int reported = 0;
                int tokens = 100 + random.nextInt(400);
                for (int k = 0; k < tokens; k++) {
                    reply.append(piece(k));
                    Thread.sleep(1 + random.nextInt(4));
                    int committed = reply.committedLength();
                    if (committed > reported) {
                        reported = committed;
                        report("committed " + reply.messageId() + " " + committed);
                    }
                }
                reply.finish(new ReplyStats(tokens, 300.0, "eos"));
                report("finished " + reply.messageId());
            }
        }
    }

    private static void report(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
