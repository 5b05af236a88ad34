import { OFFENSE_LEVELS, OffenseLevel, SearchPurpose, SharingPolicy } from './sharing-policy';

export type SharingSwitch = 'statewide' | 'nationalLookup';
export type SharingList = 'allowAgencies' | 'denyAgencies' | 'denyCategories' | 'deniedPurposes' | 'declarationRequiredFor';

/**
 * One step of a policy change, stated so it can be applied later to whatever the policy has become by then:
 * a pending widening never undoes a narrowing made while it waited.
 */
export type PolicyStep =
  | { field: SharingSwitch; set: boolean }
  | { field: SharingList; add: string }
  | { field: SharingList; remove: string }
  /** the owner's own warrant window in hours; null: none of its own (the state's may still apply) */
  | { field: 'legalReferenceAfterHours'; set: number | null }
  /** the owner's own minimum offense level for one purpose; null: none of its own */
  | { field: 'minimumOffenseLevels'; purpose: SearchPurpose; set: OffenseLevel | null };

/** Lists whose entries let agencies in; the others keep them out. */
const GRANTING_LISTS: ReadonlySet<SharingList> = new Set(['allowAgencies']);
const LISTS: readonly SharingList[] = ['allowAgencies', 'denyAgencies', 'denyCategories', 'deniedPurposes', 'declarationRequiredFor'];
const SWITCHES: readonly SharingSwitch[] = ['statewide', 'nationalLookup'];

export interface PolicyChangeSplit {
  /** Steps that can only let more agencies (or purposes) in. */
  widening: PolicyStep[];
  /** Steps that can only keep agencies (or purposes) out. */
  narrowing: PolicyStep[];
}

/** Splits the change from `before` to `after` into widening and narrowing steps; unchanged fields give no step. */
export function splitPolicyChange(before: SharingPolicy, after: SharingPolicy): PolicyChangeSplit {
  const split: PolicyChangeSplit = { widening: [], narrowing: [] };
  for (const field of SWITCHES) {
    if (before[field] === after[field]) continue;
    (after[field] ? split.widening : split.narrowing).push({ field, set: after[field] });
  }
  for (const field of LISTS) {
    const old = new Set<string>(before[field] ?? []);
    const now = new Set<string>(after[field] ?? []);
    const grants = GRANTING_LISTS.has(field);
    for (const value of now) if (!old.has(value)) (grants ? split.widening : split.narrowing).push({ field, add: value });
    for (const value of old) if (!now.has(value)) (grants ? split.narrowing : split.widening).push({ field, remove: value });
  }
  // Legal-basis rules (docs/legal-basis.md): a shorter warrant window or a higher offense level keeps reads out; a
  // longer window, none, a lower level or none lets them in, so it is a widening like any other.
  const window = (policy: SharingPolicy) => policy.legalReferenceAfterHours ?? null;
  if (window(before) !== window(after)) {
    const narrower = window(after) !== null && (window(before) === null || window(after)! < window(before)!);
    (narrower ? split.narrowing : split.widening).push({ field: 'legalReferenceAfterHours', set: window(after) });
  }
  const levels = (policy: SharingPolicy) => policy.minimumOffenseLevels ?? {};
  const purposes = new Set([...Object.keys(levels(before)), ...Object.keys(levels(after))] as SearchPurpose[]);
  for (const purpose of [...purposes].sort()) {
    const rank = (level: OffenseLevel | undefined) => (level === undefined ? -1 : OFFENSE_LEVELS.indexOf(level));
    const was = rank(levels(before)[purpose]);
    const is = rank(levels(after)[purpose]);
    if (was === is) continue;
    (is > was ? split.narrowing : split.widening).push({ field: 'minimumOffenseLevels', purpose, set: levels(after)[purpose] ?? null });
  }
  return split;
}

/** The policy with the steps applied in order; adding a present entry or removing an absent one changes nothing. */
export function applyPolicySteps(policy: SharingPolicy, steps: readonly PolicyStep[]): SharingPolicy {
  const next: SharingPolicy = {
    ...policy,
    allowAgencies: [...policy.allowAgencies],
    denyAgencies: [...policy.denyAgencies],
    denyCategories: [...policy.denyCategories],
    deniedPurposes: [...policy.deniedPurposes],
  };
  for (const step of steps) {
    if (step.field === 'legalReferenceAfterHours') {
      if (step.set === null) delete next.legalReferenceAfterHours;
      else next.legalReferenceAfterHours = step.set;
    } else if (step.field === 'minimumOffenseLevels') {
      const levels = { ...(next.minimumOffenseLevels ?? {}) };
      if (step.set === null) delete levels[step.purpose];
      else levels[step.purpose] = step.set;
      next.minimumOffenseLevels = levels;
    } else if ('set' in step) next[step.field] = step.set;
    else if ('add' in step) {
      const list = [...(next[step.field] ?? [])] as string[];
      if (!list.includes(step.add)) list.push(step.add);
      (next[step.field] as string[]) = list;
    } else {
      (next[step.field] as string[]) = ((next[step.field] ?? []) as string[]).filter((value) => value !== step.remove);
    }
  }
  return next;
}

/** "national lookup on", "allow wa-seattle-pd", "stop denying federal": one line per step, for notices and the console. */
export function describePolicyStep(step: PolicyStep): string {
  if (step.field === 'legalReferenceAfterHours') {
    return step.set === null ? 'no warrant window of our own' : `legal reference required for reads older than ${step.set} h`;
  }
  if (step.field === 'minimumOffenseLevels') {
    return step.set === null ? `no minimum offense level of our own for ${step.purpose}` : `minimum offense level ${step.set} for ${step.purpose}`;
  }
  if ('set' in step) return `${step.field === 'nationalLookup' ? 'national lookup' : 'statewide sharing'} ${step.set ? 'on' : 'off'}`;
  const verb: Record<SharingList, [string, string]> = {
    allowAgencies: ['share directly with', 'stop sharing directly with'],
    denyAgencies: ['deny agency', 'stop denying agency'],
    denyCategories: ['deny category', 'stop denying category'],
    deniedPurposes: ['deny purpose', 'stop denying purpose'],
    declarationRequiredFor: ['require a declaration from', 'stop requiring a declaration from'],
  };
  return 'add' in step ? `${verb[step.field][0]} ${step.add}` : `${verb[step.field][1]} ${step.remove}`;
}
