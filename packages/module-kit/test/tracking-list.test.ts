import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { TrackingList, type TrackingLinks } from '../src/tracking-list.js';

interface Entry extends TrackingLinks<Entry> {
  readonly id: number;
}

function entry(id: number): Entry {
  return { id, previousTracked: null, nextTracked: null };
}

/** Takes every entry, newest first; a list that never empties (a broken unlink) fails instead of looping forever. */
function drain(list: TrackingList<Entry>): number[] {
  const ids: number[] = [];
  for (let next = list.takeLast(); next !== null; next = list.takeLast()) {
    ids.push(next.id);
    if (ids.length > 10_000) throw new Error(`the list never empties: ${ids.slice(0, 5).join(', ')}, ...`);
  }
  return ids;
}

describe('TrackingList', () => {
  it('should take the newest first, and reach entries appended while it is drained', () => {
    const list = new TrackingList<Entry>();
    for (const id of [1, 2, 3]) list.append(entry(id));
    const taken: number[] = [];
    for (let next = list.takeLast(); next !== null && taken.length < 100; next = list.takeLast()) {
      taken.push(next.id);
      if (next.id === 2) list.append(entry(4));
    }
    expect(taken).to.deep.equal([3, 2, 4, 1]);
    expect(list.size).to.equal(0);
    expect(list.takeLast()).to.equal(null);
  });

  it('should remove any entry in O(1) and unlink it, keeping the order of the rest', () => {
    const list = new TrackingList<Entry>();
    const entries = [1, 2, 3, 4].map(entry);
    for (const e of entries) list.append(e);
    list.remove(entries[1] as Entry);
    list.remove(entries[3] as Entry);
    expect(entries[1]).to.include({ previousTracked: null, nextTracked: null });
    expect(list.size).to.equal(2);
    expect(drain(list)).to.deep.equal([3, 1]);
  });

  it('should behave as an array model under any sequence of appends, removals and takes (property)', () => {
    type Command = { kind: 'append' } | { kind: 'remove'; index: number } | { kind: 'take' };
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.constant({ kind: 'append' } as const),
      fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
      fc.constant({ kind: 'take' } as const),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const list = new TrackingList<Entry>();
        const model: Entry[] = [];
        let nextId = 1;
        for (const c of commands) {
          if (c.kind === 'append') {
            const e = entry(nextId++);
            list.append(e);
            model.push(e);
          } else if (c.kind === 'remove' && model.length > 0) {
            const [e] = model.splice(c.index % model.length, 1);
            list.remove(e as Entry);
          } else if (c.kind === 'take') {
            expect(list.takeLast()).to.equal(model.pop() ?? null);
          }
          expect(list.size).to.equal(model.length);
        }
        expect(drain(list)).to.deep.equal(model.map((e) => e.id).reverse());
      }),
    );
  });

  it('should refuse a value that is not an object, an entry linked already, and removing one that is in no list', () => {
    const list = new TrackingList<Entry>();
    const a = entry(1);
    const b = entry(2);
    for (const value of [null, undefined, 1, 'entry']) {
      expect(() => list.append(value as never)).to.throw(TypeError, 'Expected `entry` to be an object');
      expect(() => list.remove(value as never)).to.throw(TypeError, 'Expected `entry` to be an object');
    }
    list.append(a);
    expect(() => list.append(a)).to.throw(RangeError, 'linked already');
    list.append(b);
    expect(() => list.append(a)).to.throw(RangeError, 'linked already');
    expect(() => list.remove(entry(3))).to.throw(RangeError, 'in none');
    expect(list.size).to.equal(2);
    expect(drain(list)).to.deep.equal([2, 1]);
  });
});
