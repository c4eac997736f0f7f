package dev.hearth.app.cli;

import dev.hearth.app.store.ConversationStore;
import dev.hearth.app.store.DataDir;
import dev.hearth.app.store.StoreException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Everything a subcommand gets: its arguments, the data folder and the output streams. */
record Invocation(Arguments args, Path dataDir, PrintStream out, PrintStream err) {

    /** Opens the store, creating the data folder and an empty database when there is none yet. */
    ConversationStore openStore() {
        return ConversationStore.open(DataDir.prepare(dataDir));
    }

    /** Opens an existing database only: checking or copying what is not there is an error, not a new database. */
    ConversationStore openExistingStore() {
        Path database = dataDir.resolve(DataDir.DATABASE_FILE);
        if (!Files.exists(database)) throw new StoreException("There is no database at " + database + " yet.");
        return ConversationStore.open(database);
    }
}
