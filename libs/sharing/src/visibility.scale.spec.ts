import { effectiveAccess } from './effective-access';
import { AgencyProfile } from './sharing-policy';
import { agencyProfile, worldOf } from './sharing.fixtures';
import { decideVisibility } from './visibility';

const AGENCY_COUNT = 7_000;
const DENYING_AGENCY_COUNT = 300;
const DENY_LIST_LENGTH = 300;
const STATES = ['WA', 'OR', 'CA'];

const agencyId = (index: number) => `agency-${String(index).padStart(4, '0')}`;

// Agency i < 300 denies the 300 agencies after it; every tenth agency has national lookup off.
const agencies: AgencyProfile[] = Array.from({ length: AGENCY_COUNT }, (_, index) =>
  agencyProfile(agencyId(index), {
    state: STATES[index % STATES.length],
    sharing: {
      nationalLookup: index % 10 !== 0,
      denyAgencies:
        index < DENYING_AGENCY_COUNT
          ? Array.from({ length: DENY_LIST_LENGTH }, (_, offset) => agencyId((index + 1 + offset) % AGENCY_COUNT))
          : [],
    },
  }),
);
const world = worldOf(agencies);

describe('visibility at national scale', () => {
  it('decides a national search over 7,000 agencies and 300 long deny lists in one call', () => {
    const searcher = agencies[155];
    const sharingOwners = agencies.filter((owner) => owner.id !== searcher.id && owner.sharing.nationalLookup);
    const denyingOwners = sharingOwners.filter((owner) => owner.sharing.denyAgencies.includes(searcher.id));

    const decision = decideVisibility(world, searcher.id, 'stolen_vehicle', 'national');

    expect(denyingOwners).toHaveLength(139);
    expect(decision.withheldOwners.map((owner) => owner.agencyId)).toEqual(denyingOwners.map((owner) => owner.id));
    expect(decision.visibleOwners).toHaveLength(sharingOwners.length - denyingOwners.length + 1);
  });

  it('lists effective access for an owner with a 300-agency deny list among 7,000 agencies', () => {
    const owner = agencies[1];
    const expectedGrantees = agencies.filter(
      (searcher) =>
        searcher.id !== owner.id && searcher.sharing.nationalLookup && !owner.sharing.denyAgencies.includes(searcher.id),
    );

    expect(effectiveAccess(world, owner.id).grants.map((grant) => grant.agencyId)).toEqual(
      expectedGrantees.map((searcher) => searcher.id),
    );
  });
});
