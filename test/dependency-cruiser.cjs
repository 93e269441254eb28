/**
 * Import rules, checked in CI by `npm run depcheck` (and by test/architecture/dependency-rules.test.ts):
 *   - no import cycles between modules (a cycle closed only by `import type` is allowed: it vanishes
 *     when compiled and cannot change evaluation order);
 *   - no import cycles between folders (the concern folders of shared/, and any other folders);
 *   - domain code (shared/* except the HTTP edge, shared/http and shared/api) does not import shared/http.
 * Kept under test/ because the repository's top level is fixed (see README "Layout").
 *
 * KNOWN_FOLDER_CYCLES lists the folder edges that still close a cycle today (issue 16). Each is a
 * warning, not an error, until it is cut; any other folder cycle fails CI. Remove an entry once its
 * edge is gone.
 */

/** from folder -> folders it may still reach in a cycle (warnings). */
const KNOWN_FOLDER_CYCLES = {
};

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (paths) => `^(${paths.map(escapeRegex).join('|')})$`;
const knownFrom = Object.keys(KNOWN_FOLDER_CYCLES);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules must not import each other in a cycle (type-only back-edges excepted).',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders (the concern folders of shared/) must not depend on each other in a cycle.',
      severity: 'error',
      scope: 'folder',
      from: { pathNot: anyOf(knownFrom) },
      to: { circular: true },
    },
    ...knownFrom.map((from) => ({
      name: 'no-folder-cycles',
      comment: `Folder cycles from ${from}, except the known edges listed in KNOWN_FOLDER_CYCLES.`,
      severity: 'error',
      scope: 'folder',
      from: { path: anyOf([from]) },
      to: { circular: true, pathNot: anyOf(KNOWN_FOLDER_CYCLES[from]) },
    })),
    ...knownFrom.map((from) => ({
      name: 'known-folder-cycle',
      comment: `A folder cycle issue 16 has not cut yet (${from}); see KNOWN_FOLDER_CYCLES.`,
      severity: 'warn',
      scope: 'folder',
      from: { path: anyOf([from]) },
      to: { circular: true, path: anyOf(KNOWN_FOLDER_CYCLES[from]) },
    })),
    {
      name: 'domain-not-http',
      comment:
        'Domain code is transport-neutral: only the edges (shared/http, shared/api, and shared/mcp, the MCP protocol adapter over the same API) and entry points import shared/http.',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/(http|api|mcp)/' },
      to: { path: '^shared/http/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
