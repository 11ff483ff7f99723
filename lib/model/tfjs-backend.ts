/**
 * Which TensorFlow.js backend runs the model: tfjs-node ('tensorflow', native, no heap limit) when
 * it is installed, else WebAssembly ('wasm', ships with the package and works offline), or 'cpu'
 * (plain JavaScript; only for tiny models).
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'module';

export type BackendName = 'wasm' | 'tensorflow' | 'cpu';

const requireHere = createRequire(__filename);

// Production mode: no debug checks, and no banner advising tfjs-node (loadModel says which backend runs).
tf.enableProdMode();

/** Makes `choice` (or the best available) the active backend and returns its name. */
export async function useBackend(choice?: BackendName): Promise<BackendName> {
  if (choice !== undefined && !['wasm', 'tensorflow', 'cpu'].includes(choice)) {
    throw new Error(`unknown backend ${JSON.stringify(choice)}: use 'wasm', 'tensorflow' or 'cpu'`);
  }
  const wanted = choice ?? (loadTfjsNode() ? 'tensorflow' : 'wasm');
  if (wanted === 'tensorflow' && !loadTfjsNode()) {
    throw new Error("backend 'tensorflow' needs @tensorflow/tfjs-node: `npm install @tensorflow/tfjs-node` (it downloads libtensorflow), or use backend 'wasm'");
  }
  if (wanted === 'wasm') requireHere('@tensorflow/tfjs-backend-wasm'); // registers the backend
  if (tf.getBackend() !== wanted) await withoutNewProcessHandlers(() => tf.setBackend(wanted));
  await tf.ready();
  if (tf.getBackend() !== wanted) throw new Error(`TensorFlow.js backend '${wanted}' failed to initialise`);
  return wanted;
}

let tfjsNode: boolean | undefined;

/** True when @tensorflow/tfjs-node is installed and loads (it registers the 'tensorflow' backend). */
function loadTfjsNode(): boolean {
  if (tfjsNode === undefined) {
    try {
      requireHere('@tensorflow/tfjs-node');
      tfjsNode = true;
    } catch {
      tfjsNode = false;
    }
  }
  return tfjsNode;
}

/**
 * Emscripten's loader (inside the wasm backend) adds `process.on('unhandledRejection', r => { throw r })`
 * and an uncaughtException handler; in a notebook kernel any rejected promise would then kill the
 * kernel. Remove whatever handlers appear while the backend initialises.
 */
async function withoutNewProcessHandlers<T>(initialise: () => Promise<T>): Promise<T> {
  const events = ['unhandledRejection', 'uncaughtException'] as const;
  const before = events.map((e) => process.listeners(e as 'unhandledRejection'));
  try {
    return await initialise();
  } finally {
    events.forEach((e, i) => {
      for (const listener of process.listeners(e as 'unhandledRejection')) {
        if (!before[i].includes(listener)) process.removeListener(e, listener);
      }
    });
  }
}
