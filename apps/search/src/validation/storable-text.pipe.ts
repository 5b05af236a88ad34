import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPaths } from './text-rules';

/**
 * Runs before the ValidationPipe on every body, query and path parameter: a NUL or a lone surrogate
 * anywhere (field names included, known fields or not) is a 400 naming the field, never a 5xx from
 * PostgreSQL or Elasticsearch further in.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const paths = unstorableTextPaths(value, metadata.data ?? '');
    if (paths.length > 0) {
      throw new BadRequestException(paths.map((path) => `${path || metadata.type} ${UNSTORABLE_TEXT_MESSAGE}`));
    }
    return value;
  }
}
