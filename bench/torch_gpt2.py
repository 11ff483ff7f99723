"""The benchmark peer: GPT-2 small's forward pass in PyTorch on the CPU, with the attention-output taps.

It is the same computation as HuggingFace transformers' GPT2Model (agrees with the goldens in
test/fixtures/gpt2 to 4e-7), on the synthetic weights that test/fixtures/README.md defines.
Needs Debian's python3-torch (apt-get install python3-torch); run with /usr/bin/python3.

  /usr/bin/python3 torch_gpt2.py [--threads N] [--tokens T] [--reps R] [--logits]

prints one JSON line: torch version, threads, tokens, forward_ms_median / forward_ms_min over R warm
runs, and two attention-output norms as a checksum. The tokens are the article's 95-token text
(repeated when --tokens is larger).

--threads N really limits the work to N cores: Debian's torch does its matrix products in OpenBLAS,
which `torch.set_num_threads` does not limit, so OPENBLAS_NUM_THREADS and OMP_NUM_THREADS are set
before torch loads; OMP_WAIT_POLICY=passive stops OpenMP's spinning threads from fighting
OpenBLAS's (with spinning, 2 threads ran 3.6x slower on a 2-core machine). Without --threads torch
uses its defaults (every core).
"""
import os, sys, time, json, argparse, math
for i, arg in enumerate(sys.argv):
    n = sys.argv[i + 1] if arg == '--threads' and i + 1 < len(sys.argv) else arg[10:] if arg.startswith('--threads=') else None
    if n and int(n) > 0:
        os.environ.update(OPENBLAS_NUM_THREADS=n, OMP_NUM_THREADS=n, MKL_NUM_THREADS=n, OMP_WAIT_POLICY='passive')
import numpy as np, torch

def fnv1a32(s):
    h = 0x811C9DC5
    for b in s.encode('utf-8'):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h

def uniform(seed, n):
    with np.errstate(over='ignore'):
        k = np.arange(1, n + 1, dtype=np.uint64)
        z = ((np.uint64(seed) + k * np.uint64(0x6D2B79F5)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        z = (z ^ (z >> np.uint32(15))) * (z | np.uint32(1))
        z = z ^ (z + (z ^ (z >> np.uint32(7))) * (z | np.uint32(61)))
        z = z ^ (z >> np.uint32(14))
    return ((z >> np.uint32(8)).astype(np.float64) / 16777216.0 * 2.0 - 1.0).astype(np.float32)

def synth(name, shape):
    """The synthetic value of hub tensor `name` (hub naming, no 'transformer.' prefix)."""
    n = int(np.prod(shape))
    u = uniform(fnv1a32(name), n).reshape(shape)
    if '.ln_' in name or name.startswith('ln_f'):
        return (1.0 + 0.25 * u) if name.endswith('.weight') else 0.1 * u
    if name.endswith('.bias'):
        return 0.1 * u
    if name in ('wte.weight', 'wpe.weight'):
        return u
    fan_in = shape[0]  # Conv1D weights are [in, out]
    return (u * np.float32(np.sqrt(3.0 / fan_in))).astype(np.float32)


def weights(C=768, L=12, V=50257, P=1024):
    shapes = {'wte.weight': (V, C), 'wpe.weight': (P, C), 'ln_f.weight': (C,), 'ln_f.bias': (C,)}
    for i in range(L):
        shapes.update({f'h.{i}.ln_1.weight': (C,), f'h.{i}.ln_1.bias': (C,), f'h.{i}.attn.c_attn.weight': (C, 3*C), f'h.{i}.attn.c_attn.bias': (3*C,),
          f'h.{i}.attn.c_proj.weight': (C, C), f'h.{i}.attn.c_proj.bias': (C,), f'h.{i}.ln_2.weight': (C,), f'h.{i}.ln_2.bias': (C,),
          f'h.{i}.mlp.c_fc.weight': (C, 4*C), f'h.{i}.mlp.c_fc.bias': (4*C,), f'h.{i}.mlp.c_proj.weight': (4*C, C), f'h.{i}.mlp.c_proj.bias': (C,)})
    return {k: torch.from_numpy(synth(k, s)) for k, s in shapes.items()}

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

@torch.inference_mode()
def forward(W, ids, L=12, H=12, logits=False):
    T = len(ids); C = W['wte.weight'].shape[1]; d = C // H
    x = W['wte.weight'][ids] + W['wpe.weight'][:T]
    mask = torch.full((T, T), float('-inf')).triu(1)
    taps = []
    for i in range(L):
        p = lambda n: W[f'h.{i}.{n}']
        h = torch.nn.functional.layer_norm(x, (C,), p('ln_1.weight'), p('ln_1.bias'), 1e-5)
        qkv = torch.addmm(p('attn.c_attn.bias'), h, p('attn.c_attn.weight'))
        q, k, v = qkv.view(T, 3, H, d).permute(1, 2, 0, 3)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, dim=-1)
        a = torch.addmm(p('attn.c_proj.bias'), (att @ v).transpose(0, 1).reshape(T, C), p('attn.c_proj.weight'))
        taps.append(a)
        x = x + a
        h = torch.nn.functional.layer_norm(x, (C,), p('ln_2.weight'), p('ln_2.bias'), 1e-5)
        x = x + torch.addmm(p('mlp.c_proj.bias'), gelu_new(torch.addmm(p('mlp.c_fc.bias'), h, p('mlp.c_fc.weight'))), p('mlp.c_proj.weight'))
    x = torch.nn.functional.layer_norm(x, (C,), W['ln_f.weight'], W['ln_f.bias'], 1e-5)
    out = x @ W['wte.weight'].T if logits else x
    return out, [t.norm(dim=-1) for t in taps]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--threads', type=int, default=0); ap.add_argument('--tokens', type=int, default=95)
    ap.add_argument('--reps', type=int, default=10); ap.add_argument('--logits', action='store_true'); a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    t0 = time.perf_counter(); W = weights(); t_load = time.perf_counter() - t0
    ids = torch.tensor(json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'gpt2', 'goldens.json')))['texts'][0]['ids'] * 20)[:a.tokens]
    forward(W, ids, logits=a.logits)
    ts = []
    for _ in range(a.reps):
        t0 = time.perf_counter(); out, norms = forward(W, ids, logits=a.logits); ts.append(time.perf_counter() - t0)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'tokens': len(ids), 'synth_weights_s': round(t_load, 2),
                      'forward_ms_median': round(1000 * float(np.median(ts)), 1), 'forward_ms_min': round(1000 * min(ts), 1),
                      'L0_norm_tok0': float(norms[0][0]), 'L11_norm_tok5': float(norms[11][5])}))
