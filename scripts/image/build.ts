// Compiles what the image runs into dist/ (the Dockerfile's build stage; `npm run build`): the
// services and simulators behind one entry (scripts/image/main.ts) and the syncctl CLI, as plain
// ES modules for the image's Node, so a container needs neither tsx nor any dev dependency.
//
// Our own code (services, shared, schemas, simulators) is bundled: its imports are extensionless
// TypeScript paths that Node cannot resolve. Third-party packages stay external and are loaded from
// the production node_modules; the build fails if a bundle imports one that is not a runtime
// dependency in package.json, which is what keeps `npm ci --omit=dev` enough for the image.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'dist');

/** Output name -> source. Every output file lands directly in dist/ (see sourceLocation). */
const ENTRIES = {
  main: 'scripts/image/main.ts',
  syncctl: 'scripts/syncctl/main.ts',
  // `syncctl backfill` runs it as a child process (scripts/syncctl/backfill.ts).
  backfill: 'services/poller/src/backfill-cli.ts',
};

/** Packages of package.json `dependencies`: the only ones a bundle may import. */
function runtimeDependencies(): Set<string> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return new Set(Object.keys(pkg.dependencies ?? {}));
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));

/** Our workspace packages are bundled; every other bare import is left to node_modules. */
const externals: Plugin = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@siaghsync/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Code that finds files next to itself (schemas/index.ts: the .avsc files, the projector's dashboard)
 * uses import.meta.url, which in a bundle is the bundle's URL. Each such use becomes the URL its
 * source file has in the image, which keeps the repository's layout for those files (RUNTIME_ASSETS in
 * services.ts).
 * Valid because every output file is written directly into dist/.
 */
const sourceLocation: Plugin = {
  name: 'source-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' };
      const fromOut = path.relative(OUT, args.path).split(path.sep).join('/');
      const contents = source.replaceAll(
        'import.meta.url',
        `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`,
      );
      // dirname, filename, resolve would all name the bundle: refused rather than silently wrong.
      const other = /import\.meta\.(?!url\b)\w+/.exec(source);
      if (other)
        return { errors: [{ text: `${other[0]}: use import.meta.url (the build rewrites only that)` }] };
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Builds dist/. With `write: false` it only checks that the build succeeds (the unit test), leaving
 * dist/ alone; `entries` replaces the entry points (the test's probe).
 */
export async function buildImage({
  write = true,
  entries = ENTRIES,
}: { write?: boolean; entries?: Record<string, string> } = {}): Promise<{
  files: string[];
  packages: string[];
}> {
  if (write) fs.rmSync(OUT, { recursive: true, force: true });
  const result = await build({
    write,
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, src]) => [name, path.resolve(ROOT, src)]),
    ),
    outdir: OUT,
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    sourcemap: 'linked',
    // Stack traces and logs name our functions as written.
    keepNames: true,
    // Code that must act differently when bundled asks this (a constant in the bundle, unset under tsx).
    define: { 'process.env.SIAGHSYNC_BUNDLE': '"1"' },
    metafile: true,
    logLevel: 'warning',
    plugins: [externals, sourceLocation],
  });
  const allowed = runtimeDependencies();
  const imported = new Set<string>();
  const problems: string[] = [];
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || isBuiltin(imp.path)) continue;
      const pkg = packageOf(imp.path);
      imported.add(pkg);
      if (!allowed.has(pkg))
        problems.push(`${file} imports ${imp.path}, which is not in package.json dependencies`);
    }
  }
  if (problems.length > 0)
    throw new Error(`the image would need more than its runtime dependencies:\n  ${problems.join('\n  ')}`);
  // The bundles are ES modules; the image has no package.json of ours to say so.
  if (write) fs.writeFileSync(path.join(OUT, 'package.json'), '{ "type": "module" }\n');
  return { files: Object.keys(result.metafile.outputs), packages: [...imported].sort() };
}

// Not top-level await: jest loads this file as CommonJS for the unit test.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildImage().then(
    ({ files, packages }) =>
      process.stdout.write(
        `dist/: ${files.filter((f) => f.endsWith('.js')).length} files; runtime packages imported: ${packages.join(', ')}\n`,
      ),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
