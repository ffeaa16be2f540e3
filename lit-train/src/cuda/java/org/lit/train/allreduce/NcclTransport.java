package org.lit.train.allreduce;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.jita.allocator.impl.AtomicAllocator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.jcublas.context.CudaContext;

import java.util.Base64;
import java.util.List;

import static org.bytedeco.cuda.global.nccl.ncclAllReduce;
import static org.bytedeco.cuda.global.nccl.ncclCommDestroy;
import static org.bytedeco.cuda.global.nccl.ncclCommInitRank;
import static org.bytedeco.cuda.global.nccl.ncclDouble;
import static org.bytedeco.cuda.global.nccl.ncclFloat;
import static org.bytedeco.cuda.global.nccl.ncclGetErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetUniqueId;
import static org.bytedeco.cuda.global.nccl.ncclSum;

/**
 * NCCL on GPU workers (compiled only into the CUDA build): rank 0 offers NCCL's unique id through
 * the barrier's allGather, every rank joins the communicator on the GPU its task was given, and
 * the gradient buffer is summed where it lives, on ND4J's own stream, never copied to the host.
 */
public final class NcclTransport implements Transport {
    private static final int ID_BYTES = 128;   // NCCL_UNIQUE_ID_BYTES

    @Override
    public String offer(int rank) {
        if (rank != 0) return "";
        ncclUniqueId id = new ncclUniqueId();
        check(ncclGetUniqueId(id), "ncclGetUniqueId");
        byte[] bytes = new byte[ID_BYTES];
        for (int i = 0; i < ID_BYTES; i++) bytes[i] = id.internal(i);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public AllReduce join(int rank, List<String> offers) {
        byte[] bytes = Base64.getDecoder().decode(offers.get(0));
        ncclUniqueId id = new ncclUniqueId();
        for (int i = 0; i < ID_BYTES; i++) id.internal(i, bytes[i]);
        ncclComm comm = new ncclComm();
        check(ncclCommInitRank(comm, offers.size(), id, rank), "ncclCommInitRank (rank " + rank + " of " + offers.size() + ")");
        return new NcclAllReduce(comm, rank, offers.size());
    }

    static void check(int result, String call) {
        if (result != 0) throw new AllReduceError("NCCL: " + call + " failed: " + ncclGetErrorString(result).getString());
    }

    /** ncclAllReduce in place on the device copy of the buffer. */
    private static final class NcclAllReduce implements AllReduce {
        private final ncclComm comm;
        private final int rank;
        private final int world;

        NcclAllReduce(ncclComm comm, int rank, int world) {
            this.comm = comm;
            this.rank = rank;
            this.world = world;
        }

        @Override
        public void sum(INDArray values) {
            if (values.dataType() != DataType.FLOAT && values.dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("all-reduce sums float32 or float64 buffers; got " + values.dataType());
            }
            CudaContext context = AtomicAllocator.getInstance().getDeviceContext();
            Pointer device = AtomicAllocator.getInstance().getPointer(values, context);
            int type = values.dataType() == DataType.FLOAT ? ncclFloat : ncclDouble;
            check(ncclAllReduce(device, device, values.length(), type, ncclSum, comm, new CUstream_st(context.getOldStream())), "ncclAllReduce");
            context.syncOldStream();
            Nd4j.getAffinityManager().tagLocation(values, AffinityManager.Location.DEVICE);
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int worldSize() {
            return world;
        }

        @Override
        public String transport() {
            return "nccl";
        }

        @Override
        public void close() {
            ncclCommDestroy(comm);
        }
    }
}
