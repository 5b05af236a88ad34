import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { unsafeInputProblems } from './text-rules';

/**
 * Runs before the ValidationPipe on every body, query and path parameter: a NUL or a lone surrogate
 * anywhere (field names included, known fields or not), or nesting too deep to validate, is a 400
 * naming the field, never a 5xx from PostgreSQL, Elasticsearch or the validators further in.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problems = unsafeInputProblems(value, metadata.data ?? '');
    if (problems.length > 0) throw new BadRequestException(problems);
    return value;
  }
}
