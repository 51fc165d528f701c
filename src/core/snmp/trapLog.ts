/**
 * The trap log's wire shapes that the SNMP part owns: the page query of `GET /api/v1/snmp/traps`.
 * (The records themselves are in core/api/schemas/snmp.ts.)
 */
import { Type } from '@sinclair/typebox';
import { LIMITS } from '../limits';

/** `?limit=&after=`: query values are strings on the wire. */
export const TrapListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,3}$', maxLength: 4, description: `Traps on the page: 1 to ${LIMITS.trapPageSize} (default ${LIMITS.trapPageSize})` }),
    ),
    after: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.shortStringLength, description: 'The id of the last trap of the previous page (its `next`)' })),
  },
  { additionalProperties: false },
);
