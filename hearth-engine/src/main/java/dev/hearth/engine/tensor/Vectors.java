package dev.hearth.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector species shared by the tensor kernels: floats at the machine's preferred width and bytes /
 * shorts with the same lane count, so one load of packed weights widens to exactly one float vector.
 * Quantized kernels need at least 8 float lanes (a 64-bit byte vector); below that they stay scalar.
 */
final class Vectors {

    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    static final int LANES = FLOATS.length();
    static final boolean QUANTIZED_ENABLED = LANES >= 8 && !Boolean.getBoolean("hearth.engine.scalar");
    static final VectorSpecies<Byte> BYTES = QUANTIZED_ENABLED
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : ByteVector.SPECIES_64;
    static final VectorSpecies<Short> SHORTS = QUANTIZED_ENABLED
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16)) : ShortVector.SPECIES_128;

    private Vectors() {}
}
