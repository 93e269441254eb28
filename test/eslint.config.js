// ESLint flat config. Lives under test/ because the top level is fixed; `npm run lint` passes `-c`,
// so the patterns below are relative to the repository root (the working directory).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ZOD_SOURCES = ":matches([source.value='zod'], [source.value='zod/mini'])";
const CLASSIC_ZOD_SOURCES = ":matches([source.value='zod'], [source.value='zod/v4'], [source.value='zod/v4/classic'], [source.value='zod/v3'])";

// `import { z }` drags every zod locale into each Lambda bundle (+350 KiB measured); the namespace import tree-shakes.
const zodNamespaceImport = {
  selector: `ImportDeclaration${ZOD_SOURCES}[importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']`,
  message: "Use `import * as z from 'zod/mini'` (bundle size).",
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', '.data/**', 'dist/**', 'test-output/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Tool configs that must be CommonJS (test/dependency-cruiser.cjs).
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-syntax': ['error', zodNamespaceImport],
    },
  },
  {
    // Code that runs (or is bundled): classic zod is ~90 KiB minified per Lambda bundle and does not
    // tree-shake; zod/mini's functions do. Types may still come from anywhere (`import type` is erased).
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `ImportDeclaration${CLASSIC_ZOD_SOURCES}[importKind!='type']:matches([specifiers.length=0], :has(ImportNamespaceSpecifier), :has(ImportDefaultSpecifier), :has(ImportSpecifier[importKind!='type']))`,
          message: "Runtime code validates with zod/mini: `import * as z from 'zod/mini'` (classic zod adds ~90 KiB to every bundle).",
        },
        {
          selector: "ImportDeclaration[source.value='zod/mini'][importKind!='type'] > :matches(ImportSpecifier[importKind!='type'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod/mini'` (namespace import, as everywhere else).",
        },
      ],
    },
  },
);
