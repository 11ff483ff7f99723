"""The benchmark peer for a corpus: GPT-2 small (synthetic weights, as torch_gpt2.py builds them) over
many token sequences in padded batches with an attention mask, taking every layer's attention-output
norms, as the workbook's corpus run does. Reads the sequences (token ids) from a JSON file, since
Python here has no GPT-2 tokenizer; prints one JSON line: seconds, tokens, tokens per second.

  /usr/bin/python3 torch_corpus.py SEQUENCES.json [--threads N] [--batch-size 16]
"""
import os, sys
for i, arg in enumerate(sys.argv):
    n = sys.argv[i + 1] if arg == '--threads' and i + 1 < len(sys.argv) else None
    if n and int(n) > 0:
        os.environ.update(OPENBLAS_NUM_THREADS=n, OMP_NUM_THREADS=n, MKL_NUM_THREADS=n, OMP_WAIT_POLICY='passive')
import json, math, time, argparse
import torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_gpt2 import weights, gelu_new

@torch.inference_mode()
def norms(W, batch, L=12, H=12):
    B = len(batch); T = max(len(s) for s in batch); C = W['wte.weight'].shape[1]; d = C // H
    ids = torch.zeros((B, T), dtype=torch.long); pos = torch.zeros((B, T), dtype=torch.long)
    mask = torch.full((B, 1, T, T), float('-inf'))
    for b, s in enumerate(batch):
        ids[b, :len(s)] = torch.tensor(s); pos[b, :len(s)] = torch.arange(len(s))
        for q in range(T):
            mask[b, 0, q, :min(q, len(s) - 1) + 1] = 0
    x = W['wte.weight'][ids] + W['wpe.weight'][pos]
    out = []
    for i in range(L):
        p = lambda n: W[f'h.{i}.{n}']
        h = torch.nn.functional.layer_norm(x, (C,), p('ln_1.weight'), p('ln_1.bias'), 1e-5)
        q, k, v = (h @ p('attn.c_attn.weight') + p('attn.c_attn.bias')).view(B, T, 3, H, d).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, dim=-1)
        a = (att @ v).transpose(1, 2).reshape(B, T, C) @ p('attn.c_proj.weight') + p('attn.c_proj.bias')
        out.append(a.norm(dim=-1))
        x = x + a
        h = torch.nn.functional.layer_norm(x, (C,), p('ln_2.weight'), p('ln_2.bias'), 1e-5)
        x = x + gelu_new(h @ p('mlp.c_fc.weight') + p('mlp.c_fc.bias')) @ p('mlp.c_proj.weight') + p('mlp.c_proj.bias')
    return [[layer[b, :len(s)] for layer in out] for b, s in enumerate(batch)]

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('sequences'); ap.add_argument('--threads', type=int, default=0); ap.add_argument('--batch-size', type=int, default=16)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    sequences = json.load(open(a.sequences))
    W = weights()
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))  # similar lengths together, as ours
    t0 = time.perf_counter()
    for start in range(0, len(order), a.batch_size):
        norms(W, [sequences[i] for i in order[start:start + a.batch_size]])
    seconds = time.perf_counter() - t0
    tokens = sum(len(s) for s in sequences)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'sequences': len(sequences), 'tokens': tokens, 'seconds': round(seconds, 2), 'tokens_per_s': round(tokens / seconds)}))
