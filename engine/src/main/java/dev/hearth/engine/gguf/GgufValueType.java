package dev.hearth.engine.gguf;

/** The metadata value types of GGUF, with the fewest bytes one value of each type can take. */
enum GgufValueType {
    UINT8(0, "u8", 1),
    INT8(1, "i8", 1),
    UINT16(2, "u16", 2),
    INT16(3, "i16", 2),
    UINT32(4, "u32", 4),
    INT32(5, "i32", 4),
    FLOAT32(6, "f32", 4),
    BOOL(7, "bool", 1),
    /** u64 length + bytes. */
    STRING(8, "string", 8),
    /** u32 element type + u64 count + elements. */
    ARRAY(9, "array", 12),
    UINT64(10, "u64", 8),
    INT64(11, "i64", 8),
    FLOAT64(12, "f64", 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final String label;
    private final int minBytes;

    GgufValueType(int id, String label, int minBytes) {
        this.id = id;
        this.label = label;
        this.minBytes = minBytes;
    }

    int id() {
        return id;
    }

    /** Fixed size of a value, or for strings and arrays the size of their length prefix. */
    int minBytes() {
        return minBytes;
    }

    boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The type with this id, or null for an id GGUF does not define. */
    static GgufValueType byId(int id) {
        // ids are the ordinals; the check keeps that true if the enum is ever edited
        if (id >= 0 && id < BY_ID.length && BY_ID[id].id == id) {
            return BY_ID[id];
        }
        return null;
    }
}
