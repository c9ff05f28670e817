/**
 * Builds `promptloom/client` (src/client) into dist/client/index.js, an ES module for Node 20+,
 * browsers and edge runtimes. Dependencies stay imports (they are the package's dependencies).
 */
import { defineConfig } from 'vite';

export default defineConfig({
	build: {
		outDir: 'dist/client',
		emptyOutDir: true,
		target: 'es2022',
		minify: false,
		sourcemap: true,
		lib: { entry: 'src/client/index.ts', formats: ['es'], fileName: () => 'index.js' },
		rollupOptions: {
			external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0')
		}
	}
});
