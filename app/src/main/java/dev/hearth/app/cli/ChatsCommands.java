package dev.hearth.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.app.store.Conversation;
import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.ConversationSummary;
import dev.hearth.app.store.ImportSummary;
import dev.hearth.app.store.SearchHit;
import dev.hearth.app.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code chats list|search|export|import}. */
final class ChatsCommands {
    private ChatsCommands() {}

    static final ObjectMapper JSON = new ObjectMapper();

    static int list(Invocation call) throws Exception {
        try (ConversationStore store = call.openStore()) {
            List<ConversationSummary> conversations = store.listConversations();
            if (call.args().has("--json")) {
                ArrayNode array = JSON.createArrayNode();
                for (ConversationSummary c : conversations) {
                    array.addObject().put("id", c.uuid()).put("title", c.title()).put("created", c.created().toString())
                            .put("updated", c.updated().toString()).put("messages", c.messages());
                }
                call.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else {
                for (ConversationSummary c : conversations) {
                    call.out().printf("%s  %s  %4d  %s%s%n", c.uuid().substring(0, 8), c.updated(), c.messages(), c.pinned() ? "* " : "", c.title());
                }
            }
        }
        return 0;
    }

    static int search(Invocation call) throws Exception {
        int limit = call.args().intOption("--limit", 20, 1, 1000);
        try (ConversationStore store = call.openStore()) {
            List<SearchHit> hits = store.search(call.args().positionals().getFirst(), limit);
            if (call.args().has("--json")) {
                ArrayNode array = JSON.createArrayNode();
                for (SearchHit hit : hits) {
                    array.addObject().put("conversation_id", hit.conversationUuid()).put("message_id", hit.messageUuid())
                            .put("role", hit.role().id()).put("snippet", hit.snippet("[", "]"));
                }
                call.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else {
                for (SearchHit hit : hits) {
                    call.out().printf("%s  %-9s  %s%n", hit.conversationUuid().substring(0, 8), hit.role().id(), hit.snippet("[", "]").replaceAll("\\s+", " "));
                }
            }
        }
        return 0;
    }

    static int export(Invocation call) throws Exception {
        String format = call.args().required("--format");
        if (!format.equals("md") && !format.equals("json")) throw new UsageException("--format must be md or json, got \"" + format + "\".");
        Path out = Path.of(call.args().required("--out")).toAbsolutePath();
        try (ConversationStore store = call.openStore()) {
            Optional<Long> only = Optional.empty();
            if (call.args().option("--id") != null) {
                String id = call.args().option("--id");
                Conversation conversation = store.findConversation(id)
                        .orElseThrow(() -> new StoreException("There is no conversation with id " + id + "."));
                only = Optional.of(conversation.id());
            }
            if (format.equals("json")) {
                if (Files.isDirectory(out)) throw new StoreException("Cannot export to " + out + ": it is a folder; give a file name for the JSON export.");
                if (!Files.isDirectory(out.getParent())) throw new StoreException("Cannot export to " + out + ": the folder " + out.getParent() + " does not exist.");
                store.exportJson(out, only);
                call.out().println(out);
            } else {
                if (Files.exists(out) && !Files.isDirectory(out)) throw new StoreException("Cannot export to " + out + ": it is a file; Markdown export writes into a folder.");
                for (Path file : store.exportMarkdown(out, only)) call.out().println(file);
            }
        }
        return 0;
    }

    static int importFile(Invocation call) throws Exception {
        Path file = Path.of(call.args().positionals().getFirst()).toAbsolutePath();
        if (!Files.isRegularFile(file)) throw new StoreException("Cannot import " + file + ": there is no such file.");
        try (ConversationStore store = call.openStore()) {
            ImportSummary summary = store.importFile(file);
            call.out().println(summary.describe());
        }
        return 0;
    }
}
