/**
 * GPT-2, written once. Each hook point is declared where it is computed, with TransformerLens'
 * name and meaning for GPT-2 (shapes per sequence of T tokens):
 *
 *   hook_embed, hook_pos_embed                    [T, C]     token and position embeddings
 *   blocks.{i}.hook_resid_pre                     [T, C]     the block's input
 *   blocks.{i}.ln1.hook_scale                     [T, 1]     √(var + ε) of each token
 *   blocks.{i}.ln1.hook_normalized                [T, C]     ln_1's output (gain and bias applied)
 *   blocks.{i}.attn.hook_q, hook_k, hook_v        [T, H, d]  with their biases
 *   blocks.{i}.attn.hook_attn_scores              [H, T, T]  q·kᵀ/√d, −∞ above the diagonal
 *   blocks.{i}.attn.hook_pattern                  [H, T, T]  softmax over keys (query × key)
 *   blocks.{i}.attn.hook_z                        [T, H, d]  each head's mix of values
 *   blocks.{i}.attn.hook_result                   [T, H, C]  each head through its rows of c_proj,
 *                                                            without the bias: Σ_h + bias = hook_attn_out
 *   blocks.{i}.hook_attn_out                      [T, C]     the attention adjustment
 *   blocks.{i}.hook_resid_mid                     [T, C]     resid_pre + attn_out
 *   blocks.{i}.ln2.hook_scale, ln2.hook_normalized
 *   blocks.{i}.mlp.hook_pre                       [T, 4C]    before GELU
 *   blocks.{i}.mlp.hook_post                      [T, 4C]    after GELU
 *   blocks.{i}.hook_mlp_out                       [T, C]
 *   blocks.{i}.hook_resid_post                    [T, C]     the block's output
 *   ln_final.hook_scale, ln_final.hook_normalized, logits [T, vocab]
 *
 * And one measurement (tapped like a hook point, computed inside the engine):
 *
 *   blocks.{i}.attn.head_shares                   [T, H + 1] each head's share of ‖a_t‖², r_{h,t}·a_t / ‖a_t‖²,
 *                                                            then the bias's, b_O·a_t / ‖a_t‖² (they sum to 1)
 *
 * The weights are used raw, as HuggingFace has them. TransformerLens' defaults fold the layer
 * norms' gains into the next weights, centre the writing weights and the unembedding, and so
 * change several of these values (hook_normalized, hook_q/k/v, hook_result, logits): load it with
 * `from_pretrained_no_processing` to compare.
 */
import { GPT2Config } from '../weights/config';
import { BlockWeights, LayerNormWeights, gpt2Weights } from '../weights/layout';
import { GraphBuilder, Trace, Value } from './graph';

/** The trace of a forward pass; `wants(name)` says which costly hook points and measurements (hook_result, head_shares) to build. */
export function traceGPT2(config: GPT2Config, wants: (hook: string) => boolean = () => true): Trace {
  const w = gpt2Weights(config);
  const g = new GraphBuilder(config, wants);
  const { ids, positions } = g.inputs;
  let x = g.stage('embed', () => g.add(g.hook('hook_embed', g.embed(ids, w.wte)), g.hook('hook_pos_embed', g.posEmbed(positions, w.wpe))));
  w.h.forEach((weights, i) => {
    x = g.stage(`blocks.${i}`, () => block(g, weights, x), `blocks.${i}`);
  });
  x = g.stage('ln_final', () => layerNorm(g, 'ln_final', w.ln_f, x));
  g.stage('unembed', () => g.hook('logits', g.unembed(x, w.wte)));
  return g.trace();
}

function block(g: GraphBuilder, w: BlockWeights, x: Value): Value {
  const residPre = g.hook('hook_resid_pre', x);
  const attnOut = g.hook('hook_attn_out', attention(g, w.attn, layerNorm(g, 'ln1', w.ln_1, residPre)));
  const residMid = g.hook('hook_resid_mid', g.add(residPre, attnOut));
  const mlpOut = g.hook('hook_mlp_out', mlp(g, w.mlp, layerNorm(g, 'ln2', w.ln_2, residMid)));
  return g.hook('hook_resid_post', g.add(residMid, mlpOut));
}

function layerNorm(g: GraphBuilder, name: string, ln: LayerNormWeights, x: Value): Value {
  return g.scope(name, () => g.hook('hook_normalized', g.lnNormalized(x, g.hook('hook_scale', g.lnScale(x, ln)), ln)));
}

function attention(g: GraphBuilder, w: BlockWeights['attn'], x: Value): Value {
  return g.scope('attn', () => {
    const [q, k, v] = (['q', 'k', 'v'] as const).map((name, part) => g.hook(`hook_${name}`, g.attnProject(x, w.c_attn, part as 0 | 1 | 2)));
    const pattern = g.hook('hook_pattern', g.softmax(g.hook('hook_attn_scores', g.attnScores(q, k))));
    const z = g.hook('hook_z', g.attnMix(pattern, v));
    // every head's own output is H times the size of their sum: made only when asked for
    const attnOut = g.wants('hook_result') ? g.sumHeads(g.hook('hook_result', g.headResults(z, w.c_proj)), w.c_proj) : g.attnOut(z, w.c_proj);
    if (g.wants('head_shares')) g.measure('head_shares', g.headShares(z, attnOut, w.c_proj));
    return attnOut;
  });
}

function mlp(g: GraphBuilder, w: BlockWeights['mlp'], x: Value): Value {
  return g.scope('mlp', () => g.linear(g.hook('hook_post', g.gelu(g.hook('hook_pre', g.linear(x, w.c_fc)))), w.c_proj));
}
