"""Layer strategies ("transformer layers as painters") on the reference DiT's forward, for the JVM's
BlockSchedule. Blocks 0..depth-1, ranges inclusive:
  skip=A-B      blocks A..B are not run
  repeat=A-B    blocks A..B are replaced by block (A+B)//2, run B-A+1 times
  reverse=A-B   blocks A..B run in the order B..A
  parallel=A-B  blocks A..B each run on the same input; the result is the mean of their outputs
  loop=A-B:K    parallel=A-B applied K times, each to the previous result
"""
import re

import torch


def plan(spec, depth):
    """The blocks as a list of stages: ("seq", [i, ...]) or ("par", [i, ...], K)."""
    if not spec:
        return [("seq", list(range(depth)))]
    m = re.fullmatch(r"(skip|repeat|reverse|parallel)=(\d+)-(\d+)|loop=(\d+)-(\d+):(\d+)", spec)
    if m is None:
        raise ValueError(f"malformed strategy {spec!r}")
    kind = m.group(1) or "loop"
    a, b = (int(m.group(2)), int(m.group(3))) if m.group(1) else (int(m.group(4)), int(m.group(5)))
    assert 0 <= a <= b < depth
    stages = [("seq", list(range(a)))]
    if kind == "repeat":
        stages.append(("seq", [(a + b) // 2] * (b - a + 1)))
    elif kind == "reverse":
        stages.append(("seq", list(range(b, a - 1, -1))))
    elif kind == "parallel":
        stages.append(("par", list(range(a, b + 1)), 1))
    elif kind == "loop":
        stages.append(("par", list(range(a, b + 1)), int(m.group(6))))
    stages.append(("seq", list(range(b + 1, depth))))
    return stages


def forward(model, x, t, y, spec):
    """DiT's forward with the blocks run as the strategy says."""
    h = model.x_embedder(x) + model.pos_embed
    c = model.t_embedder(t) + model.y_embedder(y)
    for stage in plan(spec, len(model.blocks)):
        if stage[0] == "seq":
            for i in stage[1]:
                h = model.blocks[i](h, c)
        else:
            for _ in range(stage[2]):
                h = sum(model.blocks[i](h, c) for i in stage[1]) / len(stage[1])
    return model.unpatchify(model.final_layer(h, c))


def block_states(model, x, t, y):
    """The hidden states (N, T, D) after each block, every block run in order."""
    h = model.x_embedder(x) + model.pos_embed
    c = model.t_embedder(t) + model.y_embedder(y)
    states = []
    for block in model.blocks:
        h = block(h, c)
        states.append(h)
    return states


def similarity(states):
    """S[i][j]: the mean over samples and tokens of the cosine similarity of the states after blocks i and j."""
    unit = [h / h.norm(dim=-1, keepdim=True) for h in states]
    return torch.tensor([[(a * b).sum(-1).mean().item() for b in unit] for a in unit], dtype=torch.float64)
