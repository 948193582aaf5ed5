/**
 * What `import 'server-only'` resolves to outside Next (tsconfig.json's paths: the CLI, the tests, the
 * benchmarks under tsx and Playwright): nothing, as under React's server condition. Next resolves the
 * real package itself and refuses the import in any client module when it builds.
 */
export {};
