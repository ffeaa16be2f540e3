#!/usr/bin/env python3
"""Lists the GPU code compiled into a CUDA shared library (e.g. libnd4jcuda.so from an nd4j-cuda jar), without cuobjdump.

Usage: python3 tools/cuda/sass.py libnd4jcuda.so
Prints, per (kind, architecture), how many entries the library's fat binaries hold: SASS sm_XY runs on compute capability
X.Y and later minors of major X; PTX compute_XY could be JIT-compiled for newer GPUs. What lit's CUDA check assumes
(org.lit.core.gpu.CudaBuild, -Dlit.cuda.sass) must be the SASS list printed here.

The ELF section .nv_fatbin is a run of fat binaries (CUDA's fatbinary.h): a 16-byte header (magic 0xBA55ED50, u16 version,
u16 header size, u64 size of what follows) and entries, each with a header (u16 kind: 1 PTX, 2 cubin; u16; u32 header size;
u64 payload size; u32; u32; u16 minor, u16 major of the format; u32 target architecture; ...; u64 flags at +40, 0x2000 =
LZ4-compressed payload). As a cross-check each cubin's own ELF header is read (decompressed when needed): e_machine must
be EM_CUDA (190) and e_flags & 0xff the same sm.
"""
import collections
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
EM_CUDA = 190
COMPRESSED = 0x2000


def section(data, wanted):
    shoff, = struct.unpack_from('<Q', data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3A)
    header = lambda i: struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
    names = header(shstrndx)[4]
    for i in range(shnum):
        h = header(i)
        if data[names + h[0]:data.index(b'\0', names + h[0])] == wanted:
            return h[4], h[5]
    sys.exit(f'no {wanted.decode()} section: no GPU code in this file')


def lz4_head(src, want):
    """The first `want` bytes of an LZ4 block (enough for an ELF header)."""
    out, i = bytearray(), 0
    while i < len(src) and len(out) < want:
        token = src[i]; i += 1
        literals = token >> 4
        if literals == 15:
            while True:
                b = src[i]; i += 1; literals += b
                if b != 255: break
        out += src[i:i + literals]; i += literals
        if i >= len(src) or len(out) >= want: break
        offset = src[i] | src[i + 1] << 8; i += 2
        length = token & 15
        if length == 15:
            while True:
                b = src[i]; i += 1; length += b
                if b != 255: break
        for _ in range(length + 4): out.append(out[-offset])
    return bytes(out)


def main(path):
    data = open(path, 'rb').read()
    start, size = section(data, b'.nv_fatbin')
    counts, binaries, p = collections.Counter(), 0, start
    while p < start + size:
        magic, _, hsize, fsize = struct.unpack_from('<IHHQ', data, p)
        if magic != FATBIN_MAGIC:
            p += 8      # padding between fat binaries
            continue
        binaries += 1
        q, end = p + hsize, p + hsize + fsize
        while q < end:
            kind, _, ehsize, psize, _, _, _, _, arch = struct.unpack_from('<HHIQIIHHI', data, q)
            flags, = struct.unpack_from('<Q', data, q + 40)
            if kind == 1:
                counts[f'PTX  compute_{arch}'] += 1
            elif kind == 2:
                payload = data[q + ehsize:q + ehsize + psize]
                elf = lz4_head(payload, 64) if flags & COMPRESSED else payload[:64]
                machine, = struct.unpack_from('<H', elf, 18)
                sm = struct.unpack_from('<I', elf, 48)[0] & 0xff
                if elf[:4] != b'\x7fELF' or machine != EM_CUDA or sm != arch:
                    sys.exit(f'entry at {q:#x}: header says sm_{arch}, its ELF says machine {machine}, sm_{sm}')
                counts[f'SASS sm_{arch}'] += 1
            else:
                counts[f'kind {kind} arch {arch}'] += 1
            q += ehsize + psize
        p = end
    print(f'{path}: {binaries} fat binaries')
    for what, n in sorted(counts.items(), key=lambda kv: (kv[0][:4], int(kv[0].rsplit('_', 1)[-1]) if '_' in kv[0] else 0)):
        print(f'  {what}: {n}')


if __name__ == '__main__':
    main(sys.argv[1])
