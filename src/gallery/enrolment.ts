import { VigilError } from '../errors';
import type { DetectedFace } from '../inference';

/** Enrolment limits: a face smaller or blurrier than this makes a poor gallery entry. */
export const ENROLL_MIN_FACE_SIZE = 64;
export const ENROLL_MIN_SHARPNESS = 20;

/** Why a photo cannot be enrolled, or null when it can (pure, table-tested). Shared by the CLI and the API. */
export function enrolmentProblem(image: string, faces: readonly DetectedFace[]): VigilError | null {
  if (faces.length === 0) return new VigilError('VIGIL_ERR_ENROLL_NO_FACE', `${image}: no face found; use a photo with one clear face`, { image });
  if (faces.length > 1) return new VigilError('VIGIL_ERR_ENROLL_MULTIPLE_FACES', `${image}: ${faces.length} faces found; crop the photo to the one person to enrol`, { image });
  const face = faces[0] as DetectedFace;
  if (face.box.height < ENROLL_MIN_FACE_SIZE) {
    return new VigilError('VIGIL_ERR_ENROLL_FACE_TOO_SMALL', `${image}: the face is ${face.box.height} px high; at least ${ENROLL_MIN_FACE_SIZE} px needed`, { image });
  }
  if (face.quality && face.quality.sharpness < ENROLL_MIN_SHARPNESS) {
    return new VigilError('VIGIL_ERR_ENROLL_FACE_BLURRY', `${image}: the face is too blurry (sharpness ${face.quality.sharpness}, at least ${ENROLL_MIN_SHARPNESS} needed)`, { image });
  }
  return null;
}
