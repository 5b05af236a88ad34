import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, Max, Min, ValidateIf, registerDecorator } from 'class-validator';
import {
  DECLARATION_SEARCHERS, DeclarationSearcher, LegalBasisRules, OFFENSE_LEVELS, OffenseLevel, SEARCH_PURPOSES, SearchPurpose,
} from '@platekeeper/sharing';
import { OptionalNotNull, distinct } from './administration-fields';

/** Longest warrant window a rule may set: ten years. */
export const MAX_LEGAL_REFERENCE_HOURS = 87_600;

/** An object whose keys are search purposes and whose values are offense levels. */
function IsOffenseLevelByPurpose(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOffenseLevelByPurpose',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must map purposes (${SEARCH_PURPOSES.join(', ')}) to offense levels (${OFFENSE_LEVELS.join(', ')})` },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value)
          && Object.entries(value).every(([purpose, level]) =>
            (SEARCH_PURPOSES as readonly string[]).includes(purpose) && (OFFENSE_LEVELS as readonly unknown[]).includes(level)),
      },
    });
}

/** The legal-basis fields of a sharing policy or jurisdiction rule (docs/legal-basis.md); each absent = no limit from it. */
export class LegalBasisFieldsDto implements LegalBasisRules {
  @ApiPropertyOptional({
    type: 'integer', nullable: true, minimum: 1, maximum: MAX_LEGAL_REFERENCE_HOURS,
    description: 'reads older than this many hours are searched only when the search states a legalReference (null: no such rule)',
  })
  @ValidateIf((_rule: object, value: unknown) => value !== undefined && value !== null)
  @IsInt() @Min(1) @Max(MAX_LEGAL_REFERENCE_HOURS)
  legalReferenceAfterHours?: number | null;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: { type: 'string', enum: [...OFFENSE_LEVELS] }, example: { criminal_investigation: 'felony' },
    description: 'per purpose, the least serious offenseLevel a search must state',
  })
  @OptionalNotNull() @IsOffenseLevelByPurpose()
  minimumOffenseLevels?: Partial<Record<SearchPurpose, OffenseLevel>>;

  @ApiPropertyOptional({
    enum: DECLARATION_SEARCHERS, isArray: true,
    description: 'these searchers (another state\'s agencies, federal agencies) see reads only while a declaration of theirs is on file',
  })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(DECLARATION_SEARCHERS.length * 2) @IsIn(DECLARATION_SEARCHERS, { each: true })
  declarationRequiredFor?: DeclarationSearcher[];
}

/** The legal-basis fields that limit something, others left out: a rule or policy without them reads as it always did. */
export function settingLegalBasis(rules: LegalBasisRules): LegalBasisRules {
  const levels = rules.minimumOffenseLevels ?? {};
  const searchers = distinct(rules.declarationRequiredFor ?? []);
  return {
    ...(rules.legalReferenceAfterHours !== undefined && rules.legalReferenceAfterHours !== null && { legalReferenceAfterHours: rules.legalReferenceAfterHours }),
    ...(Object.keys(levels).length > 0 && { minimumOffenseLevels: { ...levels } }),
    ...(searchers.length > 0 && { declarationRequiredFor: searchers }),
  };
}
