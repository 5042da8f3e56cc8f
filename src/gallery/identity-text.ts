import { unsafeCharacter, unsafeMetadataKey, DISPLAY_TEXT_RULE } from '../config';
import { VigilError } from '../errors';

/**
 * Refuses an identity's name, external id or metadata keys holding control or
 * bidirectional-override characters (they would spoof what the dashboard, events and logs show),
 * with VIGIL_ERR_BAD_REQUEST naming the field and the character. Values of metadata are data and
 * are not checked. The one check for the CLI, the API and bulk enrolment alike.
 */
export function checkIdentityText(fields: { name?: string | undefined; externalId?: string | null | undefined; metadata?: Record<string, unknown> | null | undefined }): void {
  for (const field of ['name', 'externalId'] as const) {
    const value = fields[field];
    const character = typeof value === 'string' ? unsafeCharacter(value) : null;
    if (character) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${field}: ${DISPLAY_TEXT_RULE} (found ${character})`, { field, reason: DISPLAY_TEXT_RULE });
  }
  const key = unsafeMetadataKey(fields.metadata);
  if (key) {
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', `metadata key "${key.path}": ${DISPLAY_TEXT_RULE} (found ${key.character})`, { field: 'metadata', reason: DISPLAY_TEXT_RULE });
  }
}
