import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Bundles tfjs-core's gradient definitions (dist/register_all_gradients.js and dist/gradients/*, ESM files
 * with extension-less imports that Node cannot load) WITHOUT a second copy of tfjs-core: every other
 * tfjs-core module they import becomes a shim that re-exports the same function from the peer's public
 * namespace (`import * as tf from '@tensorflow/tfjs-core'`). Only the few ops that tfjs-core keeps private
 * (conv2DBackpropFilter, maxPoolGrad, …: one-line wrappers around ENGINE.runKernel) and convertToTensor are
 * bundled (with types.js's two type guards), and their own imports are shimmed the same way; ENGINE is the
 * peer's `tf.engine()`.
 */
const require = createRequire(import.meta.url);
const coreDist = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist');
const tf = require('@tensorflow/tfjs-core') as Record<string, unknown>;
/** Public namespaces that re-export internal modules' functions. */
const NAMESPACES = ['util', 'backend_util', 'broadcast_util', 'slice_util', 'tensor_util'] as const;
/** Internal modules bundled as they are (besides the gradients): private op wrappers and convertToTensor. */
const BUNDLED = /^(gradients\/|register_all_gradients\.js$|tensor_util_env\.js$|types\.js$|ops\/(conv2d_backprop_filter|conv2d_backprop_input|conv3d_backprop_filter|conv3d_backprop_input|depthwise_conv2d_native_backprop_filter|depthwise_conv2d_native_backprop_input|max_pool_grad|max_pool_3d_grad|avg_pool_grad|avg_pool_3d_grad|local_response_normalization_backprop|selu_util)\.js$)/;

/** Names a tfjs-core ESM file exports (following `export * from`). */
function exportNames(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of src.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of src.matchAll(/^export \{([^}]*)\}(?! from)/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  for (const m of src.matchAll(/^export \{([^}]*)\} from '([^']+)'/gm)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  for (const m of src.matchAll(/^export \* from '([^']+)'/gm)) {
    for (const n of exportNames(`${resolve(dirname(file), m[1])}.js`, seen)) names.add(n);
  }
  return [...names];
}

/** The public expression for `name` exported by internal module `rel`, or undefined. */
function publicExpression(rel: string, name: string): string | undefined {
  if (rel === 'engine.js' && name === 'ENGINE') return 'tf.engine()';
  // The Tensor class every copy of tfjs-core registers globally is the peer's own.
  if (rel === 'tensor.js' && name === 'getGlobalTensorClass') return '() => tf.Tensor';
  if (name in tf) return `tf.${name}`;
  for (const ns of NAMESPACES) {
    const space = tf[ns] as Record<string, unknown> | undefined;
    if (space && name in space) return `tf.${ns}.${name}`;
  }
  return undefined;
}

export function tfjsCoreGradients(): Plugin {
  return {
    name: 'tfjs-core-gradients',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (!args.importer.startsWith(coreDist)) return undefined;
        const target = `${resolve(dirname(args.importer), args.path)}.js`;
        const rel = relative(coreDist, target).split('\\').join('/');
        if (BUNDLED.test(rel)) return { path: target };
        return { path: rel, namespace: 'tfjs-core-public' };
      });
      build.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\// }, (args) => {
        const rel = args.path.slice('@tensorflow/tfjs-core/dist/'.length);
        return { path: join(coreDist, rel.endsWith('.js') ? rel : `${rel}.js`) };
      });
      build.onLoad({ filter: /.*/, namespace: 'tfjs-core-public' }, (args) => {
        const lines = ["import * as tf from '@tensorflow/tfjs-core';"];
        const missing: string[] = [];
        for (const name of exportNames(join(coreDist, args.path))) {
          const expr = publicExpression(args.path, name);
          if (expr) lines.push(`export const ${name} = ${expr};`);
          else missing.push(name);
        }
        // Names without a public counterpart are left out: importing one fails the build, by design.
        if (missing.length > 0) lines.push(`// not public in tfjs-core: ${missing.join(', ')}`);
        return { contents: lines.join('\n'), loader: 'js', resolveDir: coreDist };
      });
    },
  };
}
