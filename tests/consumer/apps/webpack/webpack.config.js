// webpack 5 defaults, nothing offsign-specific: the wasm is an asset found through
// `new URL('offsign_device_bg.wasm', import.meta.url)` in the package's glue, and its Device's worker
// through `new Worker(new URL('./device_worker.js', import.meta.url), { type: 'module' })`.
import path from 'node:path';

export default {
  mode: 'production',
  entry: { main: './src/index.js', sw: './src/sw.js' },
  output: { path: path.resolve('dist'), filename: '[name].js', clean: true },
};
