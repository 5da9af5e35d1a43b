import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Anything with I/O, UI or transport: the domain core must stay pure. */
const impureModules = [
  'svelte',
  'svelte/*',
  'socket.io',
  'socket.io-client',
  'yjs',
  'y-*',
  'lib0',
  'lib0/*',
  'ws',
  'lowdb',
  'lowdb/*',
  'node:*',
  'fs',
  'path',
  'http',
  'crypto',
  '$app/*',
  '$lib/*',
  '**/protocol/*',
  '**/client/*',
  '**/server/*',
  '**/components/*',
];

export default ts.config(
  { ignores: ['build/', 'dist/', '.svelte-kit/', 'data/', 'test-results/', 'node_modules/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Links are plain hrefs to our own routes; no base path is configured.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    files: ['src/lib/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: impureModules, message: 'The domain core is pure: no I/O, UI or transport.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/lib/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/client/*', '**/server/*', '**/components/*', 'svelte', '$app/*'],
              message: 'The protocol is shared by client and server: it imports only the domain.',
            },
          ],
        },
      ],
    },
  },
);
