/**
 * Tensors as the model stores them: the GGUF block formats ({@link dev.hearth.engine.tensor.GgmlType}), row kernels
 * that decode and multiply them straight from the mapped file ({@link dev.hearth.engine.tensor.RowKernel}, each format
 * with a scalar reference and a Vector API twin from {@link dev.hearth.engine.tensor.Kernels}), weight matrices
 * ({@link dev.hearth.engine.tensor.WeightMatrix}), the activation math of the forward pass
 * ({@link dev.hearth.engine.tensor.FloatOps}) and the {@link dev.hearth.engine.tensor.Quantizer} that writes test
 * models.
 */
package dev.hearth.engine.tensor;
