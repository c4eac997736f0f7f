package dev.hearth.engine.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One metadata value as stored in the file. Scalars are boxed in the Java type of their width
 * (unsigned values keep their bit pattern: a u32 of 4294967295 is the Integer -1); arrays are
 * primitive arrays of that width, {@code String[]}, {@code boolean[]}, or for arrays of arrays a
 * {@code List<MetadataValue>} of the inner arrays.
 *
 * @param type        the value type
 * @param elementType the element type when {@code type} is an array, else null
 * @param value       the value, shaped as described above
 */
record MetadataValue(GgufValueType type, GgufValueType elementType, Object value) {

    /** The value as {@link GgufFile#get} shows it: a copy, with arrays of arrays as {@code List<Object>}. */
    Object publicValue() {
        return switch (value) {
            case byte[] a -> a.clone();
            case short[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case float[] a -> a.clone();
            case double[] a -> a.clone();
            case boolean[] a -> a.clone();
            case String[] a -> a.clone();
            case List<?> inner -> {
                List<Object> copy = new ArrayList<>(inner.size());
                for (Object element : inner) {
                    copy.add(((MetadataValue) element).publicValue());
                }
                yield Collections.unmodifiableList(copy);
            }
            default -> value;
        };
    }

    /** A short description for error messages, such as {@code "u32"} or {@code "array of string"}. */
    String describe() {
        return elementType == null ? type.toString() : "array of " + elementType;
    }
}
