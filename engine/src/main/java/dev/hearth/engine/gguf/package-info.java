/**
 * GGUF, the model file format of llama.cpp: reading and writing.
 *
 * <p>{@link dev.hearth.engine.gguf.GgufFile} memory-maps a GGUF v3 file with the FFM API, parses
 * its metadata and tensor infos, and hands out each tensor's bytes as a read-only slice of the
 * mapping, so multi-gigabyte weights are never copied onto the heap. Every count, length, type and
 * offset in the header is checked before it is used: a damaged or hostile file ends in a
 * {@link dev.hearth.engine.gguf.ModelFormatException} that says what was expected, what was found
 * and where, never in a huge allocation, an out-of-bounds access or a crash.
 *
 * <p>{@link dev.hearth.engine.gguf.GgufWriter} writes files llama.cpp can read, streaming each
 * tensor into a mapped slice of the output; the tests use it to build real files, valid and damaged.
 */
package dev.hearth.engine.gguf;
