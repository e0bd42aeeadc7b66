import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { after, before, describe, it } from 'mocha';
import {
  KNOWN_CIRCLES,
  KNOWN_LARGE_SOURCES,
  MAX_SOURCE_LINES,
  checkedFiles,
  forbiddenImports,
  importCircles,
  moduleImports,
  moduleSpecifiers,
  oversizedSources,
  sourceLineCounts,
} from '../support/architecture-rules.js';

/** The repository's root (from test/dist/suites). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Writes `files` (path -> text) under `root`. */
function plant(root: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

/** `count` lines of code. */
function lines(count: number): string {
  return 'export const x = 1;\n'.repeat(count);
}

describe('architecture (CONTRIBUTING.md, "Layout")', () => {
  describe('the repository', () => {
    it('should have the files the rules look at', () => {
      const files = checkedFiles(ROOT);
      expect(files).to.include('packages/async-file/src/internal/scheduler.ts');
      expect(files).to.include('bench/run.ts');
      expect(files.some((file) => file.includes('/dist/'))).to.equal(false);
    });

    it('should have no import circle inside a package (or inside bench/) but the known ones, each still there', () => {
      const circles = importCircles(moduleImports(ROOT)).map((circle) => circle.join(' -> '));
      const known = KNOWN_CIRCLES.map((breach) => breach.what);
      expect(
        circles.filter((circle) => !known.includes(circle)),
        'new circles',
      ).to.deep.equal([]);
      expect(
        known.filter((circle) => !circles.includes(circle)),
        'gone: remove them from KNOWN_CIRCLES',
      ).to.deep.equal([]);
    });

    it("should import no build (dist/), no other unit's tests and no other package's internal/ modules", () => {
      expect(forbiddenImports(moduleImports(ROOT))).to.deep.equal([]);
    });

    it(`should have no packages/*/src TypeScript file over ${MAX_SOURCE_LINES} lines but the known ones`, () => {
      expect(oversizedSources(ROOT, MAX_SOURCE_LINES, KNOWN_LARGE_SOURCES)).to.deep.equal([]);
      const lines = new Map(sourceLineCounts(ROOT));
      const back = KNOWN_LARGE_SOURCES.filter((breach) => (lines.get(breach.what) ?? 0) <= MAX_SOURCE_LINES);
      expect(
        back.map((breach) => breach.what),
        'back under the limit: remove them from the list',
      ).to.deep.equal([]);
    });
  });

  describe('the rules, on planted violations', () => {
    let root: string;

    before(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'architecture-'));
      plant(root, {
        // a circle of three files, and a file that only imports into it (not part of it)
        'packages/a/src/one.ts': "import { two } from './two.js';\nexport const one = two;\n",
        'packages/a/src/two.ts': "import type { Three } from './three.js';\nexport const two = 2 as Three;\n",
        'packages/a/src/three.ts': "import { one } from './one.js';\nexport type Three = typeof one;\n",
        'packages/a/src/outside.ts': "import { one } from './one.js';\nexport const outside = one;\n",
        // allowed: the package's own internals, another package by name, its own test support from its tests
        'packages/a/src/internal/helper.ts': 'export const helper = 1;\n',
        'packages/a/src/uses-own-internal.ts': "import { helper } from './internal/helper.js';\nexport { helper };\n",
        'packages/a/src/uses-b.ts': "import { b } from 'b';\nexport { b };\n",
        'packages/a/test/support/s.ts': 'export const s = 1;\n',
        'packages/a/test/a.test.ts': "import { s } from './support/s.js';\nimport { one } from '../src/one.js';\n",
        // forbidden
        'packages/b/src/internal/secret.ts': 'export const secret = 1;\n',
        'packages/a/src/steals.ts': "export { secret } from '../../b/src/internal/secret.js';\n",
        'packages/a/src/tests.ts': "import { suite } from '../../../test/support/suite.js';\nvoid suite;\n",
        'packages/a/src/other-tests.ts': "import '../../b/test/support/t.js';\n",
        'bench/lib/built.ts':
          "const m = await import(new URL('../../../packages/a/dist/src/index.js', import.meta.url).href);\n",
        'bench/lib/dynamic.ts': "const m = await import('../../packages/b/src/internal/secret.js');\n",
        // sizes: at the limit, and one line over it
        'packages/a/src/at-limit.ts': lines(MAX_SOURCE_LINES),
        'packages/a/src/over-limit.ts': lines(MAX_SOURCE_LINES + 1),
        'packages/a/test/long.test.ts': lines(MAX_SOURCE_LINES + 100),
      });
    });

    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it('should read static, type-only, side-effect and dynamic imports, and not commented ones', () => {
      const source = [
        "import { a } from './a.js';",
        "import type {\n  B,\n  C,\n} from './b.js';",
        "export * from './c.js';",
        "import './d.js';",
        "const e = await import('./e.js');",
        "const f = await import(new URL('./f.js', import.meta.url).href);",
        "// import { g } from './g.js';",
        "/* import { h } from './h.js'; */",
      ].join('\n');
      expect(moduleSpecifiers(source)).to.have.members(['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js']);
    });

    it('should report the circle once, through its smallest file, and nothing else', () => {
      const circles = importCircles(moduleImports(root));
      expect(circles).to.deep.equal([
        ['packages/a/src/one.ts', 'packages/a/src/two.ts', 'packages/a/src/three.ts', 'packages/a/src/one.ts'],
      ]);
    });

    it("should report each import of a build, of another unit's tests, or of another package's internal/", () => {
      expect(forbiddenImports(moduleImports(root))).to.have.members([
        "packages/a/src/steals.ts -> ../../b/src/internal/secret.js (another package's internal/)",
        'packages/a/src/tests.ts -> ../../../test/support/suite.js (tests of another unit (test/))',
        'packages/a/src/other-tests.ts -> ../../b/test/support/t.js (tests of another unit (test/))',
        'bench/lib/built.ts -> ../../../packages/a/dist/src/index.js (a build (dist/))',
        "bench/lib/dynamic.ts -> ../../packages/b/src/internal/secret.js (another package's internal/)",
      ]);
    });

    it(`should report a src file of ${MAX_SOURCE_LINES + 1} lines, not one of ${MAX_SOURCE_LINES}, nor a test`, () => {
      expect(oversizedSources(root)).to.deep.equal([`packages/a/src/over-limit.ts: ${MAX_SOURCE_LINES + 1} lines`]);
    });

    it('should let a known large file grow to its ceiling, not one line past it', () => {
      const known = (maxLines: number) => [{ what: 'packages/a/src/over-limit.ts', maxLines, reason: 'planted' }];
      expect(oversizedSources(root, MAX_SOURCE_LINES, known(MAX_SOURCE_LINES + 1))).to.deep.equal([]);
      expect(oversizedSources(root, MAX_SOURCE_LINES, known(MAX_SOURCE_LINES))).to.have.length(1);
    });
  });
});
