package dev.hearth.app.cli;

import dev.hearth.app.store.ConversationStore;
import java.nio.file.Path;
import java.util.List;

/** {@code db check|backup}. */
final class DbCommands {
    private DbCommands() {}

    static int check(Invocation call) {
        try (ConversationStore store = call.openExistingStore()) {
            List<String> result = store.integrityCheck();
            if (result.equals(List.of("ok"))) {
                call.out().println("ok");
                return 0;
            }
            call.err().println("The database " + store.file() + " is damaged: " + String.join("; ", result.subList(0, Math.min(5, result.size())))
                    + (result.size() > 5 ? " (and " + (result.size() - 5) + " more problems)." : "."));
            return 1;
        }
    }

    static int backup(Invocation call) {
        Path target = Path.of(call.args().positionals().getFirst()).toAbsolutePath();
        try (ConversationStore store = call.openExistingStore()) {
            store.backupTo(target);
            call.out().println(target);
        }
        return 0;
    }
}
