/**
 * The layers the README promises, and no import cycles, checked by `npm run lint:deps` (inside `npm test`).
 * Type-only imports count too: a cycle through types is still a design cycle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules form a tree of layers; a cycle means a type or a function lives in the wrong file.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-platform-free',
      severity: 'error',
      comment:
        'electron/core runs unchanged in plain Node: it imports nothing of main, preload, cli, sim, ipc or the renderer, nor electron.',
      from: { path: '^electron/core/' },
      to: { path: ['^electron/(main|preload|cli|sim|ipc|freedesktop)/', '^electron/cli\\.ts$', '^renderer/', '^node_modules/electron/'] },
    },
    {
      name: 'freedesktop-is-shared',
      severity: 'error',
      comment:
        'electron/freedesktop (the notification protocol on D-Bus) serves both faces: it sits on the core and imports nothing of main, preload, cli, sim, ipc, the renderer or electron.',
      from: { path: '^electron/freedesktop/' },
      to: { path: ['^electron/(main|preload|cli|sim|ipc)/', '^electron/cli\\.ts$', '^renderer/', '^node_modules/electron/'] },
    },
    {
      name: 'sim-is-an-independent-witness',
      severity: 'error',
      comment: 'The simulator is the test oracle: it shares no code with the client it checks.',
      from: { path: '^electron/sim/' },
      to: {
        path: ['^electron/(core|main|preload|cli|ipc|freedesktop)/', '^electron/cli\\.ts$', '^renderer/'],
        // core/zod.ts is zod's own functional build with its English messages, not the core's logic: importing it
        // the simulator still shares none of the code it is a witness against.
        pathNot: '^electron/core/zod\\.ts$',
      },
    },
    {
      name: 'ipc-contract-below-the-shell',
      severity: 'error',
      from: { path: '^electron/ipc/' },
      to: { path: ['^electron/(main|preload|cli|sim)/', '^renderer/', '^node_modules/electron/'] },
    },
    {
      name: 'renderer-only-through-the-contract',
      severity: 'error',
      comment: 'The renderer talks only to window.jobwatch: it may import the contract (types only) and its zod-free constants.',
      from: { path: '^renderer/' },
      to: { path: '^electron/', pathNot: '^electron/ipc/(contract|constants)\\.ts$' },
    },
    {
      name: 'renderer-imports-contract-types-only',
      severity: 'error',
      comment: 'contract.ts holds zod schemas; at run time the renderer must not load zod.',
      from: { path: '^renderer/' },
      to: { path: '^electron/ipc/contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-no-zod',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '(^|/)node_modules/zod/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'constants-stay-zod-free',
      severity: 'error',
      comment: 'electron/ipc/constants.ts is what the renderer loads at run time.',
      from: { path: '^electron/ipc/constants\\.ts$' },
      to: { path: ['(^|/)node_modules/zod/', '^electron/ipc/contract\\.ts$'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'main-and-cli-are-separate-faces',
      severity: 'error',
      comment: 'The app shell and the CLI both sit on the core; neither imports the other.',
      from: { path: '^electron/(main|preload)/' },
      to: { path: ['^electron/cli/', '^electron/cli\\.ts$'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^node_modules/', '^dist/'] },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
