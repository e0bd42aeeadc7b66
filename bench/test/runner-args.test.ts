import { expect } from 'chai';
import { describe, it } from 'mocha';
import { currentNode, pinnedNodePath, resolveNode, resultsDirFor } from '../lib/node-choice.js';
import { parseRunnerArgs } from '../lib/runner-args.js';

describe('bench runner arguments', () => {
  describe('parseRunnerArgs()', () => {
    it('should take --repeat and --node anywhere and keep the groups in order', () => {
      expect(parseRunnerArgs([])).to.deep.equal({ repeat: 1, node: undefined, quick: false, groups: [] });
      expect(parseRunnerArgs(['a', '--node', '24', 'b', '--quick', '--repeat', '3'])).to.deep.equal({
        repeat: 3,
        node: '24',
        quick: true,
        groups: ['a', 'b'],
      });
      expect(parseRunnerArgs(['--node', '/opt/node/bin/node', 'a']).node).to.equal('/opt/node/bin/node');
    });

    it('should refuse --node without a value, naming what it got', () => {
      expect(() => parseRunnerArgs(['--node'])).to.throw(RangeError, 'got null');
      expect(() => parseRunnerArgs(['--node', '--fast'])).to.throw(RangeError, 'got "--fast"');
      expect(() => parseRunnerArgs(['--node', ''])).to.throw(RangeError, 'got ""');
      expect(() => parseRunnerArgs(['--node', '20', '--node', '24'])).to.throw(RangeError, 'twice');
    });
  });

  describe('resolveNode()', () => {
    const repoDir = '/nonexistent-repo';

    it('should give the running Node without --node, or with its own major', () => {
      const current = currentNode();
      expect(resolveNode(undefined, repoDir)).to.deep.equal(current);
      expect(resolveNode(String(current.major), repoDir)).to.deep.equal(current);
      expect(current.version).to.equal(process.version);
    });

    it('should ask for the pinned Node of another major, and say how to install it when it is missing', () => {
      const other = currentNode().major === 24 ? '22' : '24';
      expect(() => resolveNode(other, repoDir))
        .to.throw(RangeError, `got "${other}"`)
        .and.to.match(/install-node-versions/);
      expect(pinnedNodePath('/r', 24)).to.equal('/r/.ci/node-versions/node_modules/node24/bin/node');
      expect(resultsDirFor('/r/bench/', 22)).to.equal('/r/bench/results/node22');
      expect(resultsDirFor('/r/bench/', 22, true)).to.equal('/r/bench/results/quick/node22');
    });

    it('should run a binary given by path and report its versions', () => {
      const found = resolveNode(process.execPath, repoDir);
      expect(found).to.include({ execPath: process.execPath, version: process.version, v8: process.versions.v8 });
      expect(found.major).to.equal(Number(process.versions.node.split('.')[0]));
    });

    it('should refuse a path that does not exist or is not a node binary', () => {
      expect(() => resolveNode('/nonexistent/node', repoDir)).to.throw(RangeError, 'got "/nonexistent/node"');
      expect(() => resolveNode('/bin/true', repoDir)).to.throw(RangeError, 'to be a node binary, got "/bin/true"');
    });
  });
});
