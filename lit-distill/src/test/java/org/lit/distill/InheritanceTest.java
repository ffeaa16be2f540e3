package org.lit.distill;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.config.ModelConfig;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.Param;
import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DiT -> LiT inheritance on the tiny fixtures (depth 2, hidden 64): bit-exact copies, fresh attention. */
class InheritanceTest {
    private static final Map<String, INDArray> TEACHER = TensorFiles.read(Fixtures.file("dit_tiny.pt"));

    private static ParameterSet student(ModelConfig c) {
        return new DiffusionTransformer(c, DataType.FLOAT).parameters();
    }

    @Test
    void everythingButAttentionIsCopiedBitForBitAndAttentionStartsFresh() {
        ParameterSet s = student(Fixtures.tiny("lit"));
        List<Inheritance.Row> rows = Inheritance.apply(s, TEACHER, Set.of(), 7, "dit_tiny.pt");
        ParameterSet fresh = student(Fixtures.tiny("lit"));
        fresh.initialize(7);
        int copied = 0;
        for (Inheritance.Row r : rows) {
            INDArray value = s.get(r.name()).value();
            if (r.name().contains(".attn.")) {
                assertEquals("fresh", r.source(), r.name());
                assertEquals(fresh.get(r.name()).value(), value, r.name() + " is the reference's fresh initialisation");
            } else {
                assertEquals("copied", r.source(), r.name());
                assertEquals(TEACHER.get(r.name()).castTo(DataType.FLOAT), value, r.name());
                copied++;
            }
        }
        assertEquals(s.params().size(), rows.size());
        assertEquals(TEACHER.size() - 2 * 2 * 2, copied, "all teacher tensors but qkv/proj weight+bias of 2 blocks");
        INDArray teacherQ = TEACHER.get("blocks.0.attn.qkv.weight").get(NDArrayIndex.interval(0, 64)).castTo(DataType.FLOAT);
        assertNotEquals(teacherQ, s.get("blocks.0.attn.q.weight").value());
        assertNotEquals(TEACHER.get("blocks.1.attn.proj.weight").castTo(DataType.FLOAT), s.get("blocks.1.attn.proj.weight").value());
    }

    @Test
    void qkvoCanComeFromTheTeachersFusedProjection() {
        ParameterSet s = student(Fixtures.tiny("lit"));
        List<Inheritance.Row> rows = Inheritance.apply(s, TEACHER, Inheritance.pieces("q,K, v ,o"), 7, "dit_tiny.pt");
        INDArray qkv = TEACHER.get("blocks.1.attn.qkv.weight").castTo(DataType.FLOAT);
        INDArray qkvBias = TEACHER.get("blocks.1.attn.qkv.bias").castTo(DataType.FLOAT);
        assertEquals(qkv.get(NDArrayIndex.interval(0, 64)), s.get("blocks.1.attn.q.weight").value());
        assertEquals(qkv.get(NDArrayIndex.interval(64, 192)), s.get("blocks.1.attn.kv.weight").value());
        assertEquals(qkvBias.get(NDArrayIndex.interval(64, 192)), s.get("blocks.1.attn.kv.bias").value());
        assertEquals(TEACHER.get("blocks.1.attn.proj.weight").castTo(DataType.FLOAT), s.get("blocks.1.attn.proj.weight").value());
        assertTrue(rows.stream().filter(r -> r.name().contains(".dwc.")).allMatch(r -> r.source().equals("fresh")), "the conv is always fresh");

        ParameterSet onlyV = student(Fixtures.tiny("lit"));
        Inheritance.apply(onlyV, TEACHER, Inheritance.pieces("v"), 7, "dit_tiny.pt");
        ParameterSet fresh = student(Fixtures.tiny("lit"));
        fresh.initialize(7);
        INDArray kv = onlyV.get("blocks.0.attn.kv.weight").value();
        assertEquals(fresh.get("blocks.0.attn.kv.weight").value().get(NDArrayIndex.interval(0, 64)), kv.get(NDArrayIndex.interval(0, 64)), "K stays fresh");
        assertEquals(TEACHER.get("blocks.0.attn.qkv.weight").castTo(DataType.FLOAT).get(NDArrayIndex.interval(128, 192)), kv.get(NDArrayIndex.interval(64, 128)));
        assertThrows(IllegalArgumentException.class, () -> Inheritance.pieces("q,x"));
    }

    @Test
    void aTeacherOfAnotherDepthOrWidthIsRefusedListingTheTensors() {
        ModelConfig tiny = Fixtures.tiny("lit");
        ModelConfig deeper = new ModelConfig(tiny.name(), tiny.inputSize(), tiny.inChannels(), tiny.patchSize(), tiny.hiddenSize(), 3,
                tiny.numHeads(), tiny.mlpRatio(), tiny.numClasses(), tiny.classDropout(), tiny.learnSigma(), tiny.attention());
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
                () -> Inheritance.apply(student(deeper), TEACHER, Set.of(), 0, "dit_tiny.pt"));
        assertTrue(depth.getMessage().contains("blocks.2.mlp.fc1.weight: not in the teacher"), depth.getMessage());
        ModelConfig wider = new ModelConfig(tiny.name(), tiny.inputSize(), tiny.inChannels(), tiny.patchSize(), 128, tiny.depth(),
                tiny.numHeads(), tiny.mlpRatio(), tiny.numClasses(), tiny.classDropout(), tiny.learnSigma(), tiny.attention());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> Inheritance.apply(student(wider), TEACHER, Set.of(), 0, "dit_tiny.pt"));
        assertTrue(width.getMessage().contains("x_embedder.proj.weight: teacher [64, 4, 2, 2], student [128, 4, 2, 2]"), width.getMessage());
        for (Param p : student(tiny).params()) assertTrue(p.name.startsWith("blocks") || TEACHER.containsKey(p.name), p.name);
    }
}
