package org.lit.data.latents;

import org.lit.core.io.Half;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * How a shard stores mean and std: float16 (the default; half the bytes, and the VAE's posterior
 * is itself only good to about 1e-3) or float32 (`--dtype float32`). Its name is index.json's
 * "dtype" and torch's; its code is the safetensors dtype.
 */
public enum LatentDType {
    FLOAT16("float16", "F16", 2),
    FLOAT32("float32", "F32", 4);

    private final String jsonName;
    private final String code;
    private final int bytes;

    LatentDType(String jsonName, String code, int bytes) {
        this.jsonName = jsonName;
        this.code = code;
        this.bytes = bytes;
    }

    /** "float16" or "float32", as index.json and `--dtype` spell it. */
    public String jsonName() {
        return jsonName;
    }

    /** The safetensors dtype code: "F16" or "F32". */
    public String code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** From index.json's or `--dtype`'s spelling; an error lists the allowed ones. */
    public static LatentDType parse(String name) {
        for (LatentDType t : values()) if (t.jsonName.equals(name)) return t;
        throw new IllegalArgumentException("unknown latent dtype '" + name + "'; allowed: "
                + Arrays.stream(values()).map(LatentDType::jsonName).toList());
    }

    /** Encodes src[off, off + n) little-endian into dst at its position (which advances). */
    void encode(float[] src, int off, int n, ByteBuffer dst) {
        if (this == FLOAT16) {
            Half.fromFloats(src, off, n, dst);
        } else {
            ByteBuffer le = dst.order(ByteOrder.LITTLE_ENDIAN);
            le.asFloatBuffer().put(src, off, n);
            le.position(le.position() + 4 * n);
        }
    }

    /** Decodes dst.length elements from src[off...] (little-endian). */
    void decode(byte[] src, int off, float[] dst) {
        ByteBuffer b = ByteBuffer.wrap(src, off, dst.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (this == FLOAT16) Half.toFloats(b, dst, 0, dst.length);
        else b.asFloatBuffer().get(dst);
    }

    /** What a value reads back as after being stored: identity for float32, float16 rounding otherwise. */
    public float stored(float v) {
        return this == FLOAT16 ? Half.toFloat(Half.fromFloat(v)) : v;
    }
}
