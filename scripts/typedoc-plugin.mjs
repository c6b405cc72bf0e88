// @ts-check
// TypeDoc plugin for the API reference (see typedoc.json):
// - checks that `entryPoints` are exactly the source files the packages' `exports` map to under the
//   `@kubeception/source` condition, and names each module after its import specifier
//   (`@kubeception/sdk/kube`) instead of its path (`sdk/src/kube`);
// - requires documentation on the direct members (properties) of exported interfaces and classes.
//   TypeDoc's own `requiredToBeDocumented: ["Property"]` would also demand it for every member of
//   every type literal, including those zod infers (enum keys), which have nowhere to put a comment;
// - reports types of our packages that the documented API refers to but no entry point exports.
//   TypeDoc's `validation.notExported` checks only the root package ("kubeception"), which
//   declares nothing.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { Application, Converter, ReflectionKind, makeRecursiveVisitor } from 'typedoc';

const SOURCE_CONDITION = '@kubeception/source';

/** `{ sourceFile (absolute) → import specifier }` for every package under `packages/`. */
function publicEntryPoints(root) {
  const entries = new Map();
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (pkg.private) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === 'object' && target !== null ? target[SOURCE_CONDITION] : undefined;
      if (typeof source !== 'string') continue;
      entries.set(resolve(pkgDir, source), subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`);
    }
  }
  return entries;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const root = process.cwd();
  const entries = publicEntryPoints(root);

  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const configured = new Set(app.options.getValue('entryPoints').map((p) => resolve(root, p)));
    const nice = (/** @type {Iterable<string>} */ files) => [...files].map((f) => relative(root, f)).join(', ');
    const missing = [...entries.keys()].filter((f) => !configured.has(f));
    const extra = [...configured].filter((f) => !entries.has(f));
    if (missing.length) app.logger.error(`typedoc.json entryPoints lack public entry points: ${nice(missing)}`);
    if (extra.length) app.logger.error(`typedoc.json entryPoints are not in any package.json "exports": ${nice(extra)}`);

    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file = context.getSymbolFromReflection(module)?.declarations?.[0]?.getSourceFile().fileName;
      const name = file && entries.get(resolve(file));
      if (name) module.name = name;
    }
  });

  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const validation = app.options.getValue('validation');
    const packages = app.options.getValue('packagesRequiringDocumentation');
    if (validation.notExported) validateExports(app, project, packages);
    if (!validation.notDocumented) return;
    for (const member of project.getReflectionsByKind(ReflectionKind.Property)) {
      const owner = member.parent;
      if (!owner?.kindOf(ReflectionKind.Interface | ReflectionKind.Class)) continue;
      if (member.inheritedFrom || member.hasComment()) continue;
      const symbolId = project.getSymbolIdFromReflection(member);
      if (!symbolId || !packages.includes(symbolId.packageName)) continue;
      app.logger.validationWarning(
        `${member.getFriendlyFullName()} (Property), defined in ${symbolId.packageName}/${symbolId.packagePath}, does not have any documentation`,
      );
    }
  });
}

/**
 * Warns once per type of `packages` that a documented reflection refers to without it being
 * documented itself (not exported from any entry point).
 * @param {import('typedoc').Application} app
 * @param {import('typedoc').ProjectReflection} project
 * @param {string[]} packages
 */
function validateExports(app, project, packages) {
  const warned = new Set();
  /** @type {import('typedoc').Reflection | undefined} */
  let owner;
  const visitor = makeRecursiveVisitor({
    reference(type) {
      if (type.reflection || type.externalUrl || type.isIntentionallyBroken() || !type.symbolId) return;
      if (!packages.includes(type.symbolId.packageName) || project.symbolIdHasBeenRemoved(type.symbolId)) return;
      const where = `${type.symbolId.packageName}/${type.symbolId.packagePath}`;
      if (warned.has(`${where}:${type.qualifiedName}`)) return;
      warned.add(`${where}:${type.qualifiedName}`);
      app.logger.validationWarning(
        `${type.qualifiedName}, defined in ${where}, is referenced by ${owner?.getFriendlyFullName()} but not exported by any entry point`,
      );
    },
  });
  for (const reflection of Object.values(project.reflections)) {
    owner = reflection;
    const r = /** @type {any} */ (reflection);
    r.type?.visit(visitor);
    r.default?.visit(visitor);
    for (const t of r.implementedTypes ?? []) t.visit(visitor);
  }
}
