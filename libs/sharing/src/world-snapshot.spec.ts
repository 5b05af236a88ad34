import { decideVisibility } from './visibility';
import { agencyProfile, worldOf } from './sharing.fixtures';
import { WorldSnapshot } from './world-snapshot';

describe('WorldSnapshot', () => {
  const world = worldOf([
    agencyProfile('wa-auburn-pd', { sharing: { statewide: true } }),
    agencyProfile('wa-kent-pd', { sharing: { statewide: true } }),
    agencyProfile('or-salem-pd', { state: 'OR' }),
  ]);

  it('decides as the visibility rule does, and answers a repeated question with the decision it already made', () => {
    const snapshot = new WorldSnapshot(world);
    const decision = snapshot.decide('wa-kent-pd', 'stolen_vehicle', 'statewide');
    expect(decision).toEqual(decideVisibility(world, 'wa-kent-pd', 'stolen_vehicle', 'statewide'));
    expect(snapshot.decide('wa-kent-pd', 'stolen_vehicle', 'statewide')).toBe(decision);
    expect(snapshot.decide('wa-kent-pd', 'stolen_vehicle', 'local')).not.toBe(decision);
  });

  it('keeps no decision across worlds: a new snapshot of a changed world decides afresh', () => {
    const before = new WorldSnapshot(world).decide('wa-kent-pd', 'stolen_vehicle', 'statewide');
    const changed = worldOf([
      agencyProfile('wa-auburn-pd', { sharing: { statewide: false } }),
      agencyProfile('wa-kent-pd', { sharing: { statewide: true } }),
    ]);
    const after = new WorldSnapshot(changed).decide('wa-kent-pd', 'stolen_vehicle', 'statewide');
    const owners = (decision: typeof before) => decision.visibleOwners.map((owner) => owner.agencyId).sort();
    expect(owners(before)).toEqual(['wa-auburn-pd', 'wa-kent-pd']);
    expect(owners(after)).toEqual(['wa-kent-pd']);
  });
});
