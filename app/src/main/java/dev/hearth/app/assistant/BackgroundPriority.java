package dev.hearth.app.assistant;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Lowers the scheduling priority of the calling thread (its Linux "nice" value), and so of every thread it starts
 * afterwards: the model's workers and its weight regrouping inherit it.
 *
 * <p>Why: on a machine with few cores the generation threads, the JIT compiler and the window's UI thread all want a
 * core while a reply streams, and an equal share left the UI thread waiting for one — frames of 60–100 ms on two
 * cores. At a lower priority the model still gets every core nobody else needs (an idle window costs it nothing), but
 * the UI thread, and whatever else the user runs, comes first. Raising one's own nice value needs no privilege.
 * Elsewhere than on Linux this does nothing.
 */
public final class BackgroundPriority {

    /** The nice value the model's threads run at: well behind the UI thread (0), ahead of nothing. */
    public static final int NICE = 10;

    private static final int PRIO_PROCESS = 0;
    private static final MethodHandle GETTID;
    private static final MethodHandle SETPRIORITY;

    static {
        MethodHandle gettid = null;
        MethodHandle setpriority = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var lookup = linker.defaultLookup();
                gettid = lookup.find("gettid").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
                setpriority = lookup.find("setpriority").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))).orElse(null);
            } catch (RuntimeException e) {
                gettid = null;
            }
        }
        boolean both = gettid != null && setpriority != null;
        GETTID = both ? gettid : null;
        SETPRIORITY = both ? setpriority : null;
    }

    private BackgroundPriority() {}

    /** Lowers the calling thread's priority to {@link #NICE}; returns whether it could (false off Linux). */
    public static boolean lowerCurrentThread() {
        if (SETPRIORITY == null) return false;
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, NICE) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}
