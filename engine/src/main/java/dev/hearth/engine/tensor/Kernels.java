package dev.hearth.engine.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** Where the row kernels of every {@link GgmlType} come from. Kernels are stateless and shared. */
public final class Kernels {

    private static final Map<GgmlType, RowKernel> REFERENCE = new EnumMap<>(GgmlType.class);
    private static final Map<GgmlType, RowKernel> VECTOR = new EnumMap<>(GgmlType.class);

    static {
        for (GgmlType t : GgmlType.values()) {
            REFERENCE.put(t, new ReferenceKernel(t));
            VECTOR.put(t, VectorKernels.of(t));
        }
    }

    private Kernels() {
    }

    /** The scalar kernel that decodes element by element straight from the layout: the spec the fast one is tested against. */
    public static RowKernel reference(GgmlType t) {
        return REFERENCE.get(Objects.requireNonNull(t, "type"));
    }

    /** The Vector API kernel, sized to the platform's preferred vector shape. */
    public static RowKernel vector(GgmlType t) {
        return VECTOR.get(Objects.requireNonNull(t, "type"));
    }
}
