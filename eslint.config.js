import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const ZOD = {
	name: 'zod',
	importNames: ['z'],
	allowTypeImports: true,
	message: "Import z from 'src/lib/core/model/zod' (configured to run without code generation)."
};
const CORE = [
	{ group: ['svelte', 'svelte/*'], message: 'core must not import Svelte' },
	{ group: ['$app/*'], message: 'core must not import SvelteKit' },
	{
		group: ['$lib/components/*', '**/components/*', '*.svelte'],
		message: 'core must not import UI'
	}
];
const STORAGE = [
	{ group: ['dexie'], message: 'The UI calls core services; only the core touches Dexie.' },
	{
		group: ['**/core/store/*', '$lib/core/store/*'],
		message: "The UI calls core services; the store is the core's."
	},
	{
		group: ['**/*.web', '**/*.node', '*.web', '*.node'],
		message: 'Platform adapters are wired in app-core.ts, not imported by the UI.'
	}
];
const YJS = {
	group: ['yjs'],
	message: "The UI calls core services; Yjs documents are the core's."
};
const UI = [...STORAGE, YJS];
const UI_EXCEPT_YJS = STORAGE;
const NODE_ONLY_IN_NODE_FILES = [
	{
		group: ['node:*'],
		message: 'Node built-ins only in *.node.ts files (this code also runs in browsers).'
	}
];

/**
 * One `no-restricted-imports` setting from pattern lists; `{ zod: false }` lifts the zod rule.
 * @param {...(Array<object> | { zod: false })} lists
 */
function restricted(...lists) {
	const zod = !lists.some((l) => !Array.isArray(l) && l.zod === false);
	return {
		paths: zod ? [ZOD] : [],
		patterns: lists.filter((l) => Array.isArray(l)).flat()
	};
}

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			// The app is served from the origin root (no `paths.base`), so plain hrefs are correct.
			'svelte/no-navigation-without-resolve': 'off',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	// Import boundaries. ESLint keeps only the last `no-restricted-imports` that matches a file, so
	// each group of files gets one rule listing every restriction that applies to it.
	{
		files: ['**/*.ts', '**/*.js', '**/*.svelte'],
		rules: { 'no-restricted-imports': ['error', restricted()] }
	},
	{
		// The domain core runs in Node, workers and the relay: it must never import UI code.
		files: ['src/lib/core/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', restricted(CORE, NODE_ONLY_IN_NODE_FILES)] }
	},
	{
		// Browser code outside the core (workers, platform adapters) stays portable too.
		files: ['src/lib/workers/**/*.ts', 'src/lib/platform/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', restricted(NODE_ONLY_IN_NODE_FILES)] }
	},
	{
		// Pages, components and their state call core services through AppCore, never storage.
		files: ['src/routes/**', 'src/lib/components/**', 'src/lib/state/**', 'src/lib/managers/**'],
		rules: {
			'no-restricted-imports': ['error', restricted(UI, NODE_ONLY_IN_NODE_FILES)],
			'no-restricted-syntax': [
				'error',
				{
					selector: "MemberExpression[property.name='db']",
					message: 'The UI reaches data through AppCore services, not the database.'
				}
			]
		}
	},
	{
		// The one live editor binding: CodeMirror's Yjs collaboration extension needs the Y.Text.
		files: ['src/lib/components/CodeEditor.svelte'],
		rules: {
			'no-restricted-imports': ['error', restricted(UI_EXCEPT_YJS, NODE_ONLY_IN_NODE_FILES)]
		}
	},
	{
		files: ['src/lib/**/*.node.ts', 'src/lib/**/*.test.ts', 'src/lib/**/*.testing.ts'],
		rules: { 'no-restricted-imports': ['error', restricted(CORE)] }
	},
	{
		files: ['src/lib/core/model/zod.ts'],
		rules: { 'no-restricted-imports': ['error', restricted(CORE, { zod: false })] }
	},
	{
		ignores: [
			'build/',
			'dist/',
			'build-*/',
			'.svelte-kit/',
			'.svelte-kit-*/',
			'node_modules/',
			'bench/results/',
			'test-results/',
			'static/models/',
			'static/wasm/',
			'editors/vscode/out/'
		]
	}
);
