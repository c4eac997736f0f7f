package dev.hearth.benchmarks;

import dev.hearth.engine.tensor.GgmlType;
import dev.hearth.engine.tensor.Kernels;
import dev.hearth.engine.tensor.RowKernel;

/** Which implementation of a format's row kernel a benchmark measures. Public because JMH's generated code sets it. */
public enum Kernel {
    /** The scalar spec, {@link Kernels#reference}. */
    reference,
    /** The Vector API kernel the engine runs, {@link Kernels#vector}. */
    vector;

    RowKernel of(GgmlType type) {
        return this == reference ? Kernels.reference(type) : Kernels.vector(type);
    }
}
