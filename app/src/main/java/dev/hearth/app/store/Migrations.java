package dev.hearth.app.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as the list of steps that build it. Step {@code n} takes a database from
 * {@code PRAGMA user_version = n - 1} to {@code n} in one transaction; released steps are never edited,
 * a change is a new step.
 */
final class Migrations {
    private Migrations() {}

    static final List<List<String>> STEPS = List.of(
            // 1: conversations as message trees, settings, known models.
            List.of(
                    """
                    CREATE TABLE conversations (
                      id INTEGER PRIMARY KEY,
                      uuid TEXT NOT NULL UNIQUE,
                      title TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL,
                      pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
                      model TEXT,
                      system_prompt TEXT,
                      sampling_json TEXT CHECK (sampling_json IS NULL OR json_valid(sampling_json)),
                      current_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
                    )""",
                    """
                    CREATE TABLE messages (
                      id INTEGER PRIMARY KEY,
                      uuid TEXT NOT NULL UNIQUE,
                      conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                      parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
                      role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
                      content TEXT NOT NULL DEFAULT '',
                      created_at INTEGER NOT NULL,
                      status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'streaming', 'interrupted'))
                    )""",
                    "CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at, id)",
                    "CREATE INDEX messages_by_parent ON messages(parent_id)",
                    "CREATE INDEX conversations_by_update ON conversations(updated_at)",
                    "CREATE TABLE settings (key TEXT PRIMARY KEY, value_json TEXT NOT NULL CHECK (json_valid(value_json)))",
                    """
                    CREATE TABLE models (
                      path TEXT PRIMARY KEY,
                      name TEXT NOT NULL,
                      size_bytes INTEGER NOT NULL,
                      quant TEXT,
                      last_used_at INTEGER
                    )"""),
            // 2: generation stats, the streaming writer's session, and full-text search.
            List.of(
                    "ALTER TABLE messages ADD COLUMN model TEXT",
                    "ALTER TABLE messages ADD COLUMN tokens INTEGER",
                    "ALTER TABLE messages ADD COLUMN tokens_per_second REAL",
                    "ALTER TABLE messages ADD COLUMN stop_reason TEXT",
                    "ALTER TABLE messages ADD COLUMN error TEXT",
                    "ALTER TABLE messages ADD COLUMN writer_session TEXT",
                    "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
                    // Newest-first scans for one- and two-character searches stop after the first hits.
                    "CREATE INDEX messages_by_time ON messages(created_at)",
                    // Words for languages written with spaces, ranked by bm25.
                    """
                    CREATE VIRTUAL TABLE message_words USING fts5(
                      content, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')""",
                    // Every 3-character substring: Japanese, Chinese and parts of words.
                    """
                    CREATE VIRTUAL TABLE message_trigrams USING fts5(
                      content, content = 'messages', content_rowid = 'id', tokenize = 'trigram')""",
                    """
                    CREATE TRIGGER messages_indexed AFTER INSERT ON messages BEGIN
                      INSERT INTO message_words(rowid, content) VALUES (new.id, new.content);
                      INSERT INTO message_trigrams(rowid, content) VALUES (new.id, new.content);
                    END""",
                    """
                    CREATE TRIGGER messages_unindexed AFTER DELETE ON messages BEGIN
                      INSERT INTO message_words(message_words, rowid, content) VALUES ('delete', old.id, old.content);
                      INSERT INTO message_trigrams(message_trigrams, rowid, content) VALUES ('delete', old.id, old.content);
                    END""",
                    """
                    CREATE TRIGGER messages_reindexed AFTER UPDATE OF content ON messages BEGIN
                      INSERT INTO message_words(message_words, rowid, content) VALUES ('delete', old.id, old.content);
                      INSERT INTO message_trigrams(message_trigrams, rowid, content) VALUES ('delete', old.id, old.content);
                      INSERT INTO message_words(rowid, content) VALUES (new.id, new.content);
                      INSERT INTO message_trigrams(rowid, content) VALUES (new.id, new.content);
                    END""",
                    "INSERT INTO message_words(message_words) VALUES ('rebuild')",
                    "INSERT INTO message_trigrams(message_trigrams) VALUES ('rebuild')"),
            // 3: document libraries, their indexed files and chunks (with embeddings), chunk search, and which libraries a chat uses.
            List.of(
                    // revision grows with every change to a library's documents, so in-memory vector tables know when to reload.
                    """
                    CREATE TABLE libraries (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      created_at INTEGER NOT NULL,
                      revision INTEGER NOT NULL DEFAULT 0
                    )""",
                    """
                    CREATE TABLE library_sources (
                      library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                      path TEXT NOT NULL,
                      added_at INTEGER NOT NULL,
                      PRIMARY KEY (library_id, path)
                    )""",
                    """
                    CREATE TABLE documents (
                      id INTEGER PRIMARY KEY,
                      library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                      path TEXT NOT NULL,
                      size_bytes INTEGER NOT NULL,
                      modified_at INTEGER NOT NULL,
                      sha256 TEXT,
                      pages INTEGER,
                      error TEXT,
                      indexed_at INTEGER NOT NULL,
                      UNIQUE (library_id, path)
                    )""",
                    """
                    CREATE TABLE chunks (
                      id INTEGER PRIMARY KEY,
                      document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                      ordinal INTEGER NOT NULL,
                      page INTEGER,
                      heading TEXT,
                      content TEXT NOT NULL,
                      embedding BLOB
                    )""",
                    "CREATE INDEX chunks_by_document ON chunks(document_id, ordinal)",
                    """
                    CREATE VIRTUAL TABLE chunk_words USING fts5(
                      heading, content, content = 'chunks', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')""",
                    """
                    CREATE VIRTUAL TABLE chunk_trigrams USING fts5(
                      heading, content, content = 'chunks', content_rowid = 'id', tokenize = 'trigram')""",
                    // Japanese/Chinese as overlapping two-character words (most Japanese words are two kanji, below the
                    // trigram size); the text is computed in Java when a chunk is saved, so the table holds no content of its own.
                    """
                    CREATE VIRTUAL TABLE chunk_bigrams USING fts5(
                      terms, content = '', contentless_delete = 1, tokenize = 'unicode61')""",
                    // Chunks are never updated in place: a changed file replaces its chunks.
                    """
                    CREATE TRIGGER chunks_indexed AFTER INSERT ON chunks BEGIN
                      INSERT INTO chunk_words(rowid, heading, content) VALUES (new.id, new.heading, new.content);
                      INSERT INTO chunk_trigrams(rowid, heading, content) VALUES (new.id, new.heading, new.content);
                    END""",
                    """
                    CREATE TRIGGER chunks_unindexed AFTER DELETE ON chunks BEGIN
                      INSERT INTO chunk_words(chunk_words, rowid, heading, content) VALUES ('delete', old.id, old.heading, old.content);
                      INSERT INTO chunk_trigrams(chunk_trigrams, rowid, heading, content) VALUES ('delete', old.id, old.heading, old.content);
                      DELETE FROM chunk_bigrams WHERE rowid = old.id;
                    END""",
                    """
                    CREATE TABLE conversation_libraries (
                      conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                      library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
                      PRIMARY KEY (conversation_id, library_id)
                    )"""),
            // 4: the numbered sources of an answer grounded in documents, kept with the message (the file may change or go later).
            List.of(
                    """
                    CREATE TABLE message_sources (
                      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                      number INTEGER NOT NULL CHECK (number >= 1),
                      path TEXT NOT NULL,
                      page INTEGER,
                      heading TEXT,
                      snippet TEXT NOT NULL,
                      PRIMARY KEY (message_id, number)
                    )"""),
            // 5: messages' Japanese/Chinese text as two-character terms (CjkBigrams), so that one- and two-character
            // searches use an index instead of reading every message. The terms are computed by a Java function that
            // Database registers on each connection; the table holds no text of its own.
            List.of(
                    """
                    CREATE VIRTUAL TABLE message_bigrams USING fts5(
                      terms, content = '', contentless_delete = 1, tokenize = 'unicode61')""",
                    """
                    CREATE TRIGGER messages_bigrams_indexed AFTER INSERT ON messages BEGIN
                      INSERT INTO message_bigrams(rowid, terms) VALUES (new.id, hearth_cjk_bigrams(new.content));
                    END""",
                    """
                    CREATE TRIGGER messages_bigrams_unindexed AFTER DELETE ON messages BEGIN
                      DELETE FROM message_bigrams WHERE rowid = old.id;
                    END""",
                    """
                    CREATE TRIGGER messages_bigrams_reindexed AFTER UPDATE OF content ON messages BEGIN
                      DELETE FROM message_bigrams WHERE rowid = old.id;
                      INSERT INTO message_bigrams(rowid, terms) VALUES (new.id, hearth_cjk_bigrams(new.content));
                    END""",
                    "INSERT INTO message_bigrams(rowid, terms) SELECT id, hearth_cjk_bigrams(content) FROM messages"));

    static int latest() {
        return STEPS.size();
    }

    /** Applies step {@code version} (1-based) and records it, inside the caller's transaction. */
    static void apply(Connection connection, int version) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : STEPS.get(version - 1)) statement.execute(sql);
            statement.execute("PRAGMA user_version = " + version);
        }
    }

    static int version(Connection connection) throws SQLException {
        return (int) Database.queryLong(connection, "PRAGMA user_version");
    }
}
