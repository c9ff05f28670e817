/**
 * @module The Node renderer under its historical path: the code is in ./node-renderer.node.ts
 * (Node built-ins live only in *.node.ts files); the CLI and the tests import it from here.
 */
export { createNodeRenderer, type NodeRendererOptions } from './node-renderer.node';
