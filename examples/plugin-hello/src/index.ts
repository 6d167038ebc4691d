import { definePlugin } from '@weft/nodes';
import greet from './analysis/greet/definition.js';
import * as greetExecutor from './analysis/greet/executor.js';

/** The example plugin: load it with `WEFT_PLUGINS=@weft-examples/plugin-hello`. */
export default definePlugin({
  name: '@weft-examples/plugin-hello',
  nodes: [{ definition: greet, ...greetExecutor }],
});
