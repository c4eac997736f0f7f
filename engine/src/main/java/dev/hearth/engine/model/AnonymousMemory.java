package dev.hearth.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large blocks of memory for regrouped weights, straight from the kernel: an anonymous private mapping whose pages are
 * populated in one call (MADV_POPULATE_WRITE, Linux 5.14+; elsewhere they fault in as they are written), unmapped when
 * the arena closes. {@link Arena#allocate} zeroes the memory from Java, page by page. Measured on the 8B Q4_0 (3.9 GB
 * regrouped, one thread, idle, docs/performance.md): all matrices regrouped 7.5 s after load with this, 14.2 s with
 * plain page faults, 9.8 s with transparent huge pages (MADV_HUGEPAGE: compaction on fault), decode steps alike.
 * Where mmap is not available (not Linux/macOS) it falls back to {@link Arena#allocate}.
 */
final class AnonymousMemory {

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | (isMac() ? 0x1000 : 0x20);
    private static final int MADV_POPULATE_WRITE = 23;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        MethodHandle madvise = null;
        try {
            Linker linker = Linker.nativeLinker();
            var lookup = linker.defaultLookup();
            mmap = lookup.find("mmap").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG))).orElse(null);
            munmap = lookup.find("munmap").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG))).orElse(null);
            madvise = lookup.find("madvise").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null);
        } catch (RuntimeException e) {
            mmap = null;
        }
        boolean all = mmap != null && munmap != null && madvise != null;
        MMAP = all ? mmap : null;
        MUNMAP = all ? munmap : null;
        MADVISE = all ? madvise : null;
    }

    private AnonymousMemory() {
    }

    /** {@code bytes} of zeroed memory, 64-byte aligned at least, freed when {@code arena} closes. */
    static MemorySegment allocate(long bytes, Arena arena) {
        if (MMAP == null || !System.getProperty("os.name", "").matches("(?i).*(linux|mac).*")) {
            return arena.allocate(bytes, 64);
        }
        MemorySegment at;
        try {
            at = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable e) {
            return arena.allocate(bytes, 64);
        }
        if (at.address() == -1L || at.address() == 0L) {
            throw new OutOfMemoryError("the system refused " + bytes + " bytes of memory for the model's weights");
        }
        MemorySegment region = at.reinterpret(bytes);
        try {
            int populated = (int) MADVISE.invokeExact(region, bytes, MADV_POPULATE_WRITE);
        } catch (Throwable e) {
            // only a hint: without huge pages the memory works the same
        }
        return region.reinterpret(bytes, arena, AnonymousMemory::unmap);
    }

    private static void unmap(MemorySegment region) {
        try {
            int ignored = (int) MUNMAP.invokeExact(region, region.byteSize());
        } catch (Throwable e) {
            // nothing left to do: the process keeps the pages until it exits
        }
    }

    private static boolean isMac() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
    }
}
