import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { before, describe, it } from 'mocha';
import {
  documentedCodes,
  packageCodes,
  spelledCodes,
  workspacePackages,
  type DocumentedCode,
  type PackageCodes,
} from '../support/error-code-sources.js';

/** The repository's root (from test/dist/suites). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGE = 'docs/reference/error-codes.md';
/** Classes a row may name that no package exports. */
const BUILT_IN = new Set(['Error', 'TypeError', 'RangeError']);

const key = (row: { code: string; className: string; packageName: string }): string =>
  `${row.code} ${row.className} ${row.packageName}`;

describe(`the error codes (${PAGE})`, () => {
  let packages: (PackageCodes & { readonly directory: string })[];
  let rows: DocumentedCode[];

  before(async () => {
    packages = await Promise.all(
      workspacePackages(ROOT).map(async ({ name, directory }) => ({ ...(await packageCodes(name)), directory })),
    );
    rows = documentedCodes(fs.readFileSync(path.join(ROOT, PAGE), 'utf8'));
  });

  it('should find the registries of async-op and async-op-file, and rows on the page', () => {
    const registering = packages.filter((found) => found.registered.length > 0).map((found) => found.name);
    expect(registering).to.include.members(['async-op', 'async-op-file']);
    expect(rows.length).to.be.greaterThan(20);
  });

  it("should list every registered code with its class and package, and each registry's class should exist", () => {
    const documented = new Set(rows.map(key));
    const missing: string[] = [];
    const noClass: string[] = [];
    for (const found of packages) {
      for (const entry of found.registered) {
        if (!documented.has(key({ ...entry, packageName: found.name })))
          missing.push(`${entry.code} ${entry.className}`);
        if (!BUILT_IN.has(entry.className) && !found.classes.has(entry.className)) noClass.push(entry.className);
      }
    }
    expect(missing, `registered, not on ${PAGE} with that class and package`).to.deep.equal([]);
    expect(noClass, 'registered with a class the package does not export').to.deep.equal([]);
  });

  it('should list every code a package exports in a *ErrorCode table or spells in its sources', () => {
    const missing: string[] = [];
    for (const found of packages) {
      const onPage = new Set(rows.filter((row) => row.packageName === found.name).map((row) => row.code));
      const codes = new Set([...[...found.tabled.values()].flat(), ...spelledCodes(ROOT, found.directory)]);
      for (const code of codes) if (!onPage.has(code)) missing.push(`${found.name}: ${code}`);
    }
    expect(missing, `in a package, not on ${PAGE} under that package`).to.deep.equal([]);
  });

  it("should list nothing that is not a package's: every row's code, class and package are declared", () => {
    const unknown: string[] = [];
    for (const row of rows) {
      const found = packages.find((candidate) => candidate.name === row.packageName);
      if (found === undefined) {
        unknown.push(`${row.code}: no package named ${row.packageName}`);
        continue;
      }
      const inRegistry = found.registered.filter((entry) => entry.code === row.code);
      const isTabled = [...found.tabled.values()].some((codes) => codes.includes(row.code));
      if (inRegistry.length > 0) {
        if (!inRegistry.some((entry) => entry.className === row.className)) {
          unknown.push(
            `${row.code}: class ${row.className}, registered as ${inRegistry.map((e) => e.className).join(', ')}`,
          );
        }
      } else if (!isTabled) {
        unknown.push(`${row.code}: ${row.packageName} neither registers nor exports it`);
      } else if (!BUILT_IN.has(row.className) && !found.classes.has(row.className)) {
        unknown.push(`${row.code}: ${row.packageName} exports no class ${row.className}`);
      }
    }
    expect(unknown).to.deep.equal([]);
  });

  it('should spell every registered code of a package in its sources (a registry entry nothing throws is stale)', () => {
    const stale: string[] = [];
    for (const found of packages) {
      const spelled = new Set(spelledCodes(ROOT, found.directory));
      for (const entry of found.registered) if (!spelled.has(entry.code)) stale.push(`${found.name}: ${entry.code}`);
    }
    expect(stale).to.deep.equal([]);
  });
});
