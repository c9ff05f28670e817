/**
 * Bundles the VS Code extension (editors/vscode/src/extension.ts and vscode-languageclient) into
 * editors/vscode/out/extension.js, a CommonJS module for VS Code's Node; `vscode` is provided by
 * the editor. `npm run build:vscode` then packages the folder as a .vsix with @vscode/vsce.
 */
import { defineConfig } from 'vite';

export default defineConfig({
	build: {
		ssr: 'editors/vscode/src/extension.ts',
		outDir: 'editors/vscode/out',
		emptyOutDir: true,
		target: 'node18',
		minify: false,
		sourcemap: false,
		rollupOptions: {
			external: ['vscode'],
			output: { format: 'cjs', entryFileNames: 'extension.js' }
		}
	},
	ssr: { noExternal: true, target: 'node' }
});
